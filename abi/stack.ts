// Stack constants and sentinels: the contract between the prologues the
// compiler emits and the runtime's newstack (Go 1.4's stack.h, with the
// values docs/runtime.md gives for the era gorun follows).
//
// A goroutine's stack is [lo, hi). The prologue of a splitting function
// compares SP (less the frame beyond StackSmall) with g.stackguard0, which
// normally holds lo + StackGuard: so SP may sink StackSmall bytes below the
// guard before a check fails, and the StackLimit bytes left under that are
// what chains of NOSPLIT functions may use (the linker's nosplit check).
//
//     hi ┌──────────────┐
//        │ frames       │
//        │ ...          │  SP
//        │              │  stackguard0 = lo + StackGuard
//        │ StackSmall   │  a small frame's check may pass this far down
//        │ StackLimit   │  NOSPLIT chains only
//     lo └──────────────┘

/** Bytes above lo where stackguard0 sits (Go 1.4: 512; this era's linkers: 256). */
export const StackGuard = 256;
/** A frame this small needs no arithmetic in its check: SP itself is compared. */
export const StackSmall = 128;
/** Frames up to this size use the big check; larger ones the overflow-safe huge check. */
export const StackBig = 4096;
/** Room below the guard for NOSPLIT chains (the nosplit table's 128). */
export const StackLimit = StackGuard - StackSmall;
/** The first goroutine stack (Go 1.4's StackMin); --stack-min changes it. */
export const StackMinDefault = 2048;

// Sentinels stored in stackguard0 to make the next split check fail. Each
// is larger than any real SP; they are kept as small negative numbers here
// and stored as the word's two's complement (exact on 64 bits, where the
// unsigned value is beyond a double's precision).
/** A preemption request (Go's StackPreempt, 0x…fade). The huge-frame check tests for it explicitly. */
export const StackPreempt = -1314;
/** A forced stack move (Go's stackForceMove, 0x…feed), armed by --stackforcemove. */
export const StackForceMove = -275;

/** The largest stack, runtime·main's maxstacksize: decimal, so the overflow message reads well. */
export function maxStackSize(ptrSize: number): number {
  return ptrSize === 8 ? 1000000000 : 250000000;
}

/**
 * morestack's register convention on ARM (asm_arm.s): the prologue copies
 * its LR (the caller's return address) into R3 before BL.LS morestack, which
 * overwrites LR with the address of the B.LS after it.
 */
export const ARM_MORESTACK_LR = 3;
