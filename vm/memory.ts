// VM memory: one ArrayBuffer, two mapped regions at addresses that look like
// the target's. Everything else (the nil page above all) is unmapped.
//
//   image  [textBase, dataEnd)        text, read-only data, globals (from the Image)
//   arena  [arenaBase, arenaBase+N)   runtime structures, heap, goroutine stacks
//
// Only the globals and the arena are writable. A page of the arena can be
// made inaccessible (--stackfaultonfree); every access then checks it.
import type { Image } from '../compiler/image.js';
import type { Arch } from '../isa/target.js';

export const PAGE = 4096;

/** Where the arena starts: Go's heap arena hint on amd64, a low address on 32-bit. */
export const ARENA_BASE: Record<Arch, number> = { amd64: 0xc000000000, '386': 0x10000000, arm: 0x10000000 };

export type FaultKind = 'read' | 'write';

/** A load or store the memory refused: the runtime turns it into a panic or a throw. */
export class Fault extends Error {
  constructor(readonly addr: number, readonly kind: FaultKind, readonly why: 'unmapped' | 'readonly' | 'protected') {
    super(`fault at 0x${addr.toString(16)}`);
  }
}

export class Memory {
  readonly buf: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly dv: DataView;
  readonly imgBase: number;
  readonly imgSize: number;
  /** First writable image address (the globals). */
  readonly dataBase: number;
  readonly arenaBase: number;
  readonly arenaSize: number;
  /** Byte offset of the arena in buf. */
  readonly arenaOff: number;
  /** Per arena page: 1 if accesses fault (a freed stack under --stackfaultonfree). */
  readonly prot: Uint8Array;
  protActive = false;

  constructor(img: Image, arenaSize: number) {
    this.imgBase = img.textBase;
    const dataEnd = img.dataBase + img.data.length;
    this.imgSize = Math.ceil((dataEnd - img.textBase) / PAGE) * PAGE;
    this.dataBase = img.dataBase;
    this.arenaBase = ARENA_BASE[img.arch];
    this.arenaSize = arenaSize;
    this.arenaOff = this.imgSize;
    this.buf = new ArrayBuffer(this.imgSize + arenaSize);
    this.u8 = new Uint8Array(this.buf);
    this.i32 = new Int32Array(this.buf);
    this.dv = new DataView(this.buf);
    this.u8.set(img.text, 0);
    this.u8.set(img.rodata, img.rodataBase - img.textBase);
    this.u8.set(img.data, img.dataBase - img.textBase);
    this.prot = new Uint8Array(Math.ceil(arenaSize / PAGE));
  }

  /** Buffer offset of addr for an access of n bytes, or a Fault. */
  off(addr: number, n: number, kind: FaultKind): number {
    const a = addr - this.arenaBase;
    if (a >= 0 && a + n <= this.arenaSize) {
      if (this.protActive && (this.prot[Math.floor(a / PAGE)] || this.prot[Math.floor((a + n - 1) / PAGE)])) {
        throw new Fault(addr, kind, 'protected');
      }
      return this.arenaOff + a;
    }
    const i = addr - this.imgBase;
    if (i >= 0 && i + n <= this.imgSize) {
      if (kind === 'write' && addr < this.dataBase) throw new Fault(addr, kind, 'readonly');
      return i;
    }
    throw new Fault(addr, kind, 'unmapped');
  }

  isMapped(addr: number): boolean {
    const a = addr - this.arenaBase;
    if (a >= 0 && a < this.arenaSize) return !(this.protActive && this.prot[Math.floor(a / PAGE)]);
    const i = addr - this.imgBase;
    return i >= 0 && i < this.imgSize;
  }

  ld8(addr: number): number { return this.u8[this.off(addr, 1, 'read')]!; }
  st8(addr: number, v: number): void { this.u8[this.off(addr, 1, 'write')] = v; }
  ld32(addr: number): number { return this.dv.getInt32(this.off(addr, 4, 'read'), true); }
  st32(addr: number, v: number): void { this.dv.setInt32(this.off(addr, 4, 'write'), v, true); }

  /** A word as a JS number (unsigned; amd64 words above 2^53 lose precision: use ld64 for values). */
  ldw(addr: number, W: number): number {
    if (W === 4) return this.ld32(addr) >>> 0;
    const o = this.off(addr, 8, 'read');
    return this.dv.getUint32(o + 4, true) * 4294967296 + this.dv.getUint32(o, true);
  }
  stw(addr: number, W: number, v: number): void {
    if (W === 4) { this.st32(addr, v | 0); return; }
    const o = this.off(addr, 8, 'write');
    this.dv.setUint32(o, v % 4294967296 >>> 0, true);
    this.dv.setUint32(o + 4, Math.floor(v / 4294967296) >>> 0, true);
  }
  ld64(addr: number): bigint { return this.dv.getBigInt64(this.off(addr, 8, 'read'), true); }

  /** Fill [addr, addr+n) with b (no protection check: the runtime's own memset). */
  fill(addr: number, n: number, b: number): void {
    const o = this.arenaOff + (addr - this.arenaBase);
    this.u8.fill(b, o, o + n);
  }
  /** memmove within the arena. */
  move(dst: number, src: number, n: number): void {
    const d = this.arenaOff + (dst - this.arenaBase), s = this.arenaOff + (src - this.arenaBase);
    this.u8.copyWithin(d, s, s + n);
  }
  /** Mark arena pages [addr, addr+n) inaccessible (true) or accessible again. */
  protect(addr: number, n: number, on: boolean): void {
    const first = Math.floor((addr - this.arenaBase) / PAGE), last = Math.ceil((addr + n - this.arenaBase) / PAGE);
    this.prot.fill(on ? 1 : 0, first, last);
    if (on) this.protActive = true;
  }
  /** Copy n bytes within VM memory, each side checked (the runtime moving a program's value). */
  copy(dst: number, src: number, n: number): void {
    const s = this.off(src, n, 'read'), d = this.off(dst, n, 'write');
    this.u8.copyWithin(d, s, s + n);
  }
  /** Zero n bytes at dst, checked. */
  zero(dst: number, n: number): void {
    const d = this.off(dst, n, 'write');
    this.u8.fill(0, d, d + n);
  }
  readBytes(addr: number, n: number): Uint8Array {
    const o = this.off(addr, Math.max(n, 1), 'read');
    return this.u8.slice(o, o + n);
  }
}
