/** Moved to spec/faults/variant.ts (shipped with the fault models, issue 23); kept so the catalogue's files import it as before. */
export * from '../../spec/faults/variant';
