// How the runtime prints numbers: runtime·printhex's 0x-prefixed hex.
export const hex = (v: number | bigint): string => '0x' + v.toString(16);
