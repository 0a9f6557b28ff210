/** The cores Kiln builds C libraries for, with their compiler flags and the QEMU board that runs them. */
export type CortexTargetId = 'cortex-m4' | 'cortex-m0plus';

export interface CortexTarget {
  id: CortexTargetId;
  /** code generation flags (the library and the harness are both built with them) */
  cflags: readonly string[];
  /** QEMU machine that executes this instruction set */
  qemuMachine: string;
  /** what the emulated board is and why it stands in for the core */
  note: string;
}

const SIZE_FLAGS = ['-Os', '-ffunction-sections', '-fdata-sections', '-ffp-contract=off'];

export const CORTEX_TARGETS: Record<CortexTargetId, CortexTarget> = {
  'cortex-m4': {
    id: 'cortex-m4',
    cflags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', ...SIZE_FLAGS],
    qemuMachine: 'mps2-an386',
    note: 'Arm MPS2 FPGA image AN386: a Cortex-M4F, flash at 0x00000000, RAM at 0x20000000',
  },
  'cortex-m0plus': {
    id: 'cortex-m0plus',
    cflags: ['-mcpu=cortex-m0plus', '-mthumb', '-mfloat-abi=soft', ...SIZE_FLAGS],
    // QEMU has no Cortex-M0 board; AN385 is a Cortex-M3 with AN386's memory map, and it executes
    // ARMv6-M (Thumb-1) code unchanged, so instruction counts are those of the M0+ program.
    qemuMachine: 'mps2-an385',
    note: 'QEMU has no Cortex-M0+ board: ARMv6-M code runs on mps2-an385 (a Cortex-M3 with the same memory map); counts are of the M0+ instruction stream, cycles are not modelled',
  },
};

/** ld flags the harness link always uses */
export const HARNESS_LINK_FLAGS: readonly string[] = ['-nostartfiles', '--specs=nano.specs', '--specs=rdimon.specs', '-Wl,--gc-sections'];
