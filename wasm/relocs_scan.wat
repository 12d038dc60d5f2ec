;; The relocs stage's hot loop in WebAssembly: the twin of scanRela64 / scanRel32 in
;; src/kernel/relocs/scan.ts (relocs.c do_reloc64, do_reloc32, do_reloc_real), same decisions, same
;; error codes. It only decides and appends; names, messages and sorting stay in TypeScript.
;; No SIMD: each entry is a data-dependent branch chain on a gathered symbol-flags byte, which
;; 128-bit lanes cannot express without a gather; the scalar loop is bound by the entry loads.
;;
;; Everything lives in the shared memory (src/hot/memory.ts). The caller fills a control block of
;; i32 words at `ctl`:
;;   0 entries   1 count   2 flags   3 nsyms   4 adjust low   5 adjust high   6 head text   7 features
;;   8..12 list lengths (in/out; the lists' global lengths; 12 is a dummy list)
;;   13..17 list output cursors (in/out; where each list's next value goes; 17 points at scratch)
;;   18 sample limit   19 sample entries (i32[4 * limit])   20 type histogram (u32[256])
;;   21 decision tables (256 + 8 * 128 bytes of scratch)   22 scratch word for the dummy list
;;   23 index of the first entry (a section is scanned in chunks: errors and samples
;;      name entries of the whole section)
;; Lists: 0 = 64-bit, 1 = inverse 32-bit, 2 = 32-bit, 3 = 16-bit (src/kernel/relocs/lists.ts).
;; Both functions return (status, entry): status 0 and entry -1 on success, else the SCAN_* code.
;;
;; The 64-bit loop is table-driven: relocation types fall into 6 classes, and one action byte per
;; (class, symbol flags) says skip, record into list k (with or without the 32-bit range check) or
;; fail with a status. The tables are built per call from the same rules, so the loop itself has no
;; data-dependent branch but the rare error and sample paths (mispredictions dominated the branchy form).
(module
  (import "env" "memory" (memory 1 65536))

  ;; Action bits: 0x80 error (low bits: status), 0x40 record, 0x10 range-checked, low 3 bits: list.
  ;; ACT_SKIP records nothing, into the dummy list 4.

  ;; Appends `value` to list `k`, noting entry `j` while the list is within the sample limit.
  (func $record (param $ctl i32) (param $k i32) (param $value i32) (param $j i32)
    (local $len i32) (local $slot i32) (local $limit i32)
    (local.set $slot (i32.add (local.get $ctl) (i32.shl (local.get $k) (i32.const 2))))
    (local.set $len (i32.load offset=32 (local.get $slot)))
    (i32.store (i32.load offset=52 (local.get $slot)) (local.get $value))
    (i32.store offset=52 (local.get $slot) (i32.add (i32.load offset=52 (local.get $slot)) (i32.const 4)))
    (local.set $limit (i32.load offset=72 (local.get $ctl)))
    (if (i32.lt_u (local.get $len) (local.get $limit))
      (then
        (i32.store
          (i32.add (i32.load offset=76 (local.get $ctl))
            (i32.shl (i32.add (i32.mul (local.get $k) (local.get $limit)) (local.get $len)) (i32.const 2)))
          (local.get $j))))
    (i32.store offset=32 (local.get $slot) (i32.add (local.get $len) (i32.const 1))))

  ;; Class of an x86-64 type (255 stands for every type >= 255): 0 NONE, 1 PC32/PLT32 (and
  ;; REX_GOTPCRELX with $rex), 2 PC64, 3 R64, 4 R32/R32S, 5 unsupported.
  (func $type_class (param $type i32) (param $rex i32) (result i32)
    (if (i32.eqz (local.get $type)) (then (return (i32.const 0))))
    (if (i32.or (i32.or (i32.eq (local.get $type) (i32.const 2)) (i32.eq (local.get $type) (i32.const 4)))
          (i32.and (i32.ne (local.get $rex) (i32.const 0)) (i32.eq (local.get $type) (i32.const 42))))
      (then (return (i32.const 1))))
    (if (i32.eq (local.get $type) (i32.const 24)) (then (return (i32.const 2))))
    (if (i32.eq (local.get $type) (i32.const 1)) (then (return (i32.const 3))))
    (if (i32.or (i32.eq (local.get $type) (i32.const 10)) (i32.eq (local.get $type) (i32.const 11)))
      (then (return (i32.const 4))))
    (i32.const 5))

  ;; do_reloc64's decision for a class and a symbol's flags (classify.ts bits: 1 UNDEF, 2 ABS,
  ;; 4 ABS_OK, 8 PERCPU).
  (func $action64 (param $class i32) (param $f i32) (param $perCpu i32) (param $headText i32) (result i32)
    (local $isPerCpu i32)
    (if (i32.and (local.get $f) (i32.const 1)) (then (return (i32.const 0x04))))
    (local.set $isPerCpu (i32.and (local.get $perCpu) (i32.ne (i32.and (local.get $f) (i32.const 8)) (i32.const 0))))
    (if (i32.eqz (local.get $class)) (then (return (i32.const 0x04))))
    (if (i32.eq (local.get $class) (i32.const 1))
      (then (return (select (i32.const 0x41) (i32.const 0x04) (local.get $isPerCpu)))))
    (if (i32.eq (local.get $class) (i32.const 2))
      (then (return (select (i32.const 0x83) (i32.const 0x04) (local.get $isPerCpu)))))
    (if (i32.eq (local.get $class) (i32.const 5)) (then (return (i32.const 0x81))))
    (if (local.get $isPerCpu) (then (return (i32.const 0x04))))
    (if (i32.and (local.get $f) (i32.const 2))
      (then (return (select (i32.const 0x04) (i32.const 0x82) (i32.and (local.get $f) (i32.const 4))))))
    (if (local.get $headText) (then (return (i32.const 0x86))))
    (select (i32.const 0x50) (i32.const 0x52) (i32.eq (local.get $class) (i32.const 3))))

  ;; ELF64 x86-64 SHT_RELA entries (24 bytes: r_offset, r_info = sym << 32 | type, r_addend).
  (func (export "scan_rela64") (param $ctl i32) (result i32 i32)
    (local $at i32) (local $end i32) (local $j i32) (local $flags i32) (local $nsyms i32)
    (local $hist i32) (local $type i32) (local $sym i32) (local $a i32) (local $i i32) (local $classes i32)
    (local $actions i32) (local $rex i32) (local $adjust i64) (local $sum i64) (local $low i32)
    (local $k i32) (local $len i32) (local $rec i32) (local $cursor i32) (local $limit i32) (local $features i32)
    (local.set $features (i32.load offset=28 (local.get $ctl)))
    (local.set $rex (i32.and (local.get $features) (i32.const 2)))
    (local.set $classes (i32.load offset=84 (local.get $ctl)))
    (local.set $actions (i32.add (local.get $classes) (i32.const 256)))
    ;; decision tables for this call's features
    (loop $fill
      (i32.store8 (i32.add (local.get $classes) (local.get $i)) (call $type_class (local.get $i) (local.get $rex)))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 256))))
    (local.set $i (i32.const 0))
    (loop $fill
      (i32.store8 (i32.add (local.get $actions) (local.get $i))
        (call $action64 (i32.shr_u (local.get $i) (i32.const 7)) (i32.and (local.get $i) (i32.const 127))
          (i32.and (local.get $features) (i32.const 1)) (i32.load offset=24 (local.get $ctl))))
      (br_if $fill (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 768))))
    (local.set $at (i32.load (local.get $ctl)))
    (local.set $end (i32.add (local.get $at) (i32.mul (i32.load offset=4 (local.get $ctl)) (i32.const 24))))
    (local.set $flags (i32.load offset=8 (local.get $ctl)))
    (local.set $nsyms (i32.load offset=12 (local.get $ctl)))
    (local.set $adjust (i64.or
      (i64.extend_i32_u (i32.load offset=16 (local.get $ctl)))
      (i64.shl (i64.extend_i32_u (i32.load offset=20 (local.get $ctl))) (i64.const 32))))
    (local.set $hist (i32.load offset=80 (local.get $ctl)))
    (local.set $j (i32.load offset=92 (local.get $ctl)))
    (local.set $limit (i32.load offset=72 (local.get $ctl)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $type (i32.load offset=8 (local.get $at)))
        (local.set $sym (i32.load offset=12 (local.get $at)))
        (local.set $type (select (local.get $type) (i32.const 255) (i32.lt_u (local.get $type) (i32.const 255))))
        (local.set $i (i32.add (local.get $hist) (i32.shl (local.get $type) (i32.const 2))))
        (i32.store (local.get $i) (i32.add (i32.load (local.get $i)) (i32.const 1)))
        (if (i32.ge_u (local.get $sym) (local.get $nsyms)) (then (return (i32.const 5) (local.get $j))))
        (local.set $a (i32.load8_u (i32.add (local.get $actions)
          (i32.or (i32.shl (i32.load8_u (i32.add (local.get $classes) (local.get $type))) (i32.const 7))
            (i32.load8_u (i32.add (local.get $flags) (local.get $sym)))))))
        (if (i32.and (local.get $a) (i32.const 0x80))
          (then (return (i32.and (local.get $a) (i32.const 0x7f)) (local.get $j))))
        (local.set $sum (i64.add (i64.load (local.get $at)) (local.get $adjust)))
        (local.set $low (i32.wrap_i64 (local.get $sum)))
        ;; R64/R32/R32S: the address must be a sign-extended 32-bit value
        (if (i32.and (i32.ne (i32.and (local.get $a) (i32.const 0x10)) (i32.const 0))
              (i64.ne (local.get $sum) (i64.extend_i32_s (local.get $low))))
          (then (return (i32.const 4) (local.get $j))))
        ;; store into list k (the dummy list when skipping); advance it only when recording
        (local.set $k (i32.add (local.get $ctl) (i32.shl (i32.and (local.get $a) (i32.const 7)) (i32.const 2))))
        (local.set $rec (i32.and (i32.shr_u (local.get $a) (i32.const 6)) (i32.const 1)))
        (local.set $cursor (i32.load offset=52 (local.get $k)))
        (i32.store (local.get $cursor) (local.get $low))
        (i32.store offset=52 (local.get $k) (i32.add (local.get $cursor) (i32.shl (local.get $rec) (i32.const 2))))
        (local.set $len (i32.load offset=32 (local.get $k)))
        (if (i32.and (local.get $rec) (i32.lt_u (local.get $len) (local.get $limit)))
          (then
            (i32.store
              (i32.add (i32.load offset=76 (local.get $ctl))
                (i32.shl (i32.add (i32.mul (i32.and (local.get $a) (i32.const 7)) (local.get $limit)) (local.get $len)) (i32.const 2)))
              (local.get $j))))
        (i32.store offset=32 (local.get $k) (i32.add (local.get $len) (local.get $rec)))
        (local.set $at (i32.add (local.get $at) (i32.const 24)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (i32.const 0) (i32.const -1))

  ;; ELF32 i386 SHT_REL entries (8 bytes: r_offset, r_info = sym << 8 | type), kernel or real mode.
  (func (export "scan_rel32") (param $ctl i32) (result i32 i32)
    (local $at i32) (local $end i32) (local $j i32) (local $flags i32) (local $nsyms i32)
    (local $hist i32) (local $info i32) (local $type i32) (local $sym i32) (local $f i32)
    (local $realMode i32) (local $abs i32) (local $slot i32)
    (local.set $at (i32.load (local.get $ctl)))
    (local.set $end (i32.add (local.get $at) (i32.shl (i32.load offset=4 (local.get $ctl)) (i32.const 3))))
    (local.set $flags (i32.load offset=8 (local.get $ctl)))
    (local.set $nsyms (i32.load offset=12 (local.get $ctl)))
    (local.set $realMode (i32.and (i32.load offset=28 (local.get $ctl)) (i32.const 4)))
    (local.set $hist (i32.load offset=80 (local.get $ctl)))
    (local.set $j (i32.load offset=92 (local.get $ctl)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (block $continue
          (local.set $info (i32.load offset=4 (local.get $at)))
          (local.set $type (i32.and (local.get $info) (i32.const 0xff)))
          (local.set $sym (i32.shr_u (local.get $info) (i32.const 8)))
          (local.set $slot (i32.add (local.get $hist) (i32.shl (local.get $type) (i32.const 2))))
          (i32.store (local.get $slot) (i32.add (i32.load (local.get $slot)) (i32.const 1)))
          (if (i32.ge_u (local.get $sym) (local.get $nsyms)) (then (return (i32.const 5) (local.get $j))))
          (local.set $f (i32.load8_u (i32.add (local.get $flags) (local.get $sym))))
          ;; NONE, PC32, PC16, PC8, PLT32: position-independent
          (br_if $continue (i32.or
            (i32.or (i32.eqz (local.get $type)) (i32.eq (local.get $type) (i32.const 2)))
            (i32.or (i32.or (i32.eq (local.get $type) (i32.const 21)) (i32.eq (local.get $type) (i32.const 23)))
              (i32.eq (local.get $type) (i32.const 4)))))
          (local.set $abs (i32.and (local.get $f) (i32.const 2)))
          ;; real mode R_386_16: segment relocations
          (if (i32.and (i32.ne (local.get $realMode) (i32.const 0)) (i32.eq (local.get $type) (i32.const 20)))
            (then
              (br_if $continue (if (result i32) (local.get $abs)
                (then (i32.and (local.get $f) (i32.const 4)))
                (else (i32.eqz (i32.and (local.get $f) (i32.const 64))))))
              (if (i32.and (i32.ne (local.get $abs) (i32.const 0)) (i32.ne (i32.and (local.get $f) (i32.const 32)) (i32.const 0)))
                (then
                  (call $record (local.get $ctl) (i32.const 3) (i32.load (local.get $at)) (local.get $j))
                  (br $continue)))
              (return (i32.const 7) (local.get $j))))
          (if (i32.ne (local.get $type) (i32.const 1)) (then (return (i32.const 1) (local.get $j))))
          (if (local.get $abs)
            (then
              (br_if $continue (i32.and (local.get $f) (i32.const 4)))
              (if (i32.and (i32.ne (local.get $realMode) (i32.const 0)) (i32.ne (i32.and (local.get $f) (i32.const 16)) (i32.const 0)))
                (then
                  (call $record (local.get $ctl) (i32.const 2) (i32.load (local.get $at)) (local.get $j))
                  (br $continue)))
              (return (select (i32.const 7) (i32.const 2) (local.get $realMode)) (local.get $j))))
          (if (i32.or (i32.eqz (local.get $realMode)) (i32.ne (i32.and (local.get $f) (i32.const 64)) (i32.const 0)))
            (then (call $record (local.get $ctl) (i32.const 2) (i32.load (local.get $at)) (local.get $j)))))
        (local.set $at (i32.add (local.get $at) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $next)))
    (i32.const 0) (i32.const -1))
)
