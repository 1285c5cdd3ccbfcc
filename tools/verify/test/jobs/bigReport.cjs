// A stand-in job (see jobMain.ts) whose report is several megabytes: it answers the request with the
// same last-message code the real job uses, then exits when its channel closes, as the real job does.
const { sendLast } = require('../../../../dist/tools/verify/jobChannel.js');
process.once('message', async () => {
  const clauses = Array.from({ length: 1500 }, (_, i) => ({ id: `clause.${i}`, error: `failure ${i} `.repeat(400), window: new Float32Array(512).fill(i) }));
  await sendLast({ type: 'report', report: { clauses } });
});
process.on('disconnect', () => process.exit(0));
