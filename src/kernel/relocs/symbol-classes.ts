// The relocs tool's symbol classes (S_ABS, S_REL, S_SEG, S_LIN) as regular expressions, per flavour.
// Patterns only: which symbols carry which class is decided in classify.ts. POSIX ERE "match anywhere"
// (REG_NOSUB) is the same question as RegExp.test for these patterns; the anchors decide.
// Follows arch/x86/tools/relocs.c sym_regex_kernel / sym_regex_realmode (6.1.192 and 6.15).

export interface SymbolClasses {
  /** Audited absolute symbols whose value must not change: relocations against them are fine. */
  abs: RegExp | null;
  /** Symbols the linker marks absolute that really are addresses (relocated like section symbols). */
  rel: RegExp | null;
  /** Real mode: 16-bit segment symbols. */
  seg: RegExp | null;
  /** Real mode: offsets inside a segment that still need the linear base. */
  lin: RegExp | null;
}

const KERNEL_ABS = /^(xen_irq_disable_direct_reloc$|xen_save_fl_direct_reloc$|VDSO|__kcfi_typeid_|__crc_)/;

/** S_REL alternatives common to the 6.1 and 6.15 tables (the CONFIG_FW_LOADER one is compiled out). */
const REL_COMMON = [
  '__init_(begin|end)', '__x86_cpu_dev_(start|end)',
  '(__iommu_table|__apicdrivers|__smp_locks)(_end)?', '__(start|end)_pci_.*',
  '__(start|stop)___ksymtab(_gpl)?', '__(start|stop)___kcrctab(_gpl)?', '__(start|stop)___param',
  '__(start|stop)___modver', '__(start|stop)___bug_table', '__tracedata_(start|end)', '__(start|stop)_notes',
  '__end_rodata', '__end_rodata_aligned', '__initramfs_start', '(jiffies|jiffies_64)',
];

function wholeName(alternatives: string[]): RegExp {
  return new RegExp(`^(${alternatives.join('|')})$`);
}

/** Kernel-mode classes. `is64` adds the 64-bit-only S_REL names; `kernel` picks the 6.1 or 6.15 table. */
export function kernelSymbolClasses(is64: boolean, kernel: '6.1' | '6.15'): SymbolClasses {
  const rel = kernel === '6.1'
    ? ['__init_(begin|end)', '__x86_cpu_dev_(start|end)', '(__parainstructions|__alt_instructions)(_end)?', ...REL_COMMON.slice(2),
      ...(is64 ? ['__per_cpu_load', 'init_per_cpu__.*', '__end_rodata_hpage_align'] : []), '__vvar_page', '_end']
    : ['__init_(begin|end)', '__x86_cpu_dev_(start|end)', '__alt_instructions(_end)?', ...REL_COMMON.slice(2),
      ...(is64 ? ['__end_rodata_hpage_align'] : []), '_end'];
  return { abs: KERNEL_ABS, rel: wholeName(rel), seg: null, lin: null };
}

/** `--realmode` classes (the same in every version). */
export function realModeSymbolClasses(): SymbolClasses {
  return { abs: null, rel: /^pa_/, seg: /^real_mode_seg$/, lin: /^pa_/ };
}
