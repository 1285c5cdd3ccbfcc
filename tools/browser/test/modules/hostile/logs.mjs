// A correct browser module that logs 16 MB per call (hostilePage.test.ts, the 64 KiB line cap): as one
// string (default), as many arguments (`manyArgs`), as an Error and a String object whose descriptions
// DevTools sends whole (`objects`), and by throwing an Error with a 16 MB message (`throwsHuge`).
import { conv, supports } from './conv2d.mjs';

const huge = () => 'x'.repeat(16 << 20);

export default {
  name: 'logs 16 MB per call',
  supports,
  conv: (...a) => {
    console.log(huge());
    return conv(...a);
  },
};

export const manyArgs = {
  name: 'logs 16 MB per call in 1 MB arguments',
  supports,
  conv: (...a) => {
    const mb = 'y'.repeat(1 << 20);
    console.warn(...Array.from({ length: 16 }, () => mb));
    return conv(...a);
  },
};

export const objects = {
  name: 'logs an Error and a String object of 16 MB per call',
  supports,
  conv: (...a) => {
    console.error(new Error(huge()), new String(huge()));
    return conv(...a);
  },
};

export const throwsHuge = {
  name: 'throws an Error with a 16 MB message',
  supports,
  conv: () => {
    throw new Error(huge());
  },
};
