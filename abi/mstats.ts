// runtime.MemStats as gasm programs see it: one word per field, in this
// order (the program passes a pointer to it to runtime.ReadMemStats).
export const MEMSTATS_FIELDS = [
  'Mallocs', 'Frees', 'HeapAlloc', 'HeapSys', 'StackInuse', 'StackSys', 'NumGC', 'StackGrowths', 'StackShrinks',
] as const;

export type MemStatsField = (typeof MEMSTATS_FIELDS)[number];
