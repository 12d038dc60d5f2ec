;; The linker's per-relocation loops over the relocation arena (src/link/relocation-arena.ts lays
;; it out in one memory): planning each entry's S, A, P and applying S + A (- P) to the output
;; bytes. TypeScript twin: src/hot/relocate.ts (relocateTwin); tests hold the two equal.
;; AMD64 psABI §4.4.1: S symbol value, A addend, P place; fields are little-endian.
;;
;; Arena columns, one entry per relocation in plan order (n): words (the Elf64_Rela, 24 bytes),
;; relax u8, out u32 (output buffer), at u32 (offset in it), type u8, formula u8 (0 none, 1 S+A,
;; 2 S+A-P), source u32 (live section), index u32 (relocation in it), S/A/P i64.
;; Sections: 8 x i32 per live section: first entry, count, out, offset in the output section,
;; base address lo, hi (its output address), first symbol slot of its file, flags (1: planned by
;; the caller). Symbols: address i64 and state i32 per slot (1: plain S + A, else the caller's).
;; Kinds: 4 bytes per type (size, formula, fit, 0) for types 0..255.
(module
  (import "env" "memory" (memory 1 65536))

  ;; symbol_addresses(syms, first, end, modes, bases, nsec, addr, state, left) -> count left:
  ;; the output address of local symbols [first, end) of one file (syms: its Elf64_Sym entries;
  ;; addr/state: its slots; modes/bases: per input section, mode 1 with its output address for
  ;; a plain placed section, 2 for a dropped one). st_value for SHN_UNDEF, SHN_ABS and SHN_COMMON; a placed section's
  ;; address for its STT_SECTION symbol, plus st_value for the others. Every other symbol
  ;; of a dropped section is left without one; every other (escape index, merged or unplaced
  ;; section) is listed in `left` for the caller.
  (func (export "symbol_addresses")
    (param $syms i32) (param $first i32) (param $end i32) (param $modes i32) (param $bases i32)
    (param $nsec i32) (param $addr i32) (param $state i32) (param $left i32) (result i32)
    (local $sym i32) (local $e i32) (local $shndx i32) (local $a i64) (local $nl i32) (local $mode i32)
    (local.set $sym (local.get $first))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $sym) (local.get $end)))
        (local.set $e (i32.add (local.get $syms) (i32.mul (local.get $sym) (i32.const 24))))
        (local.set $shndx (i32.load16_u offset=6 (local.get $e)))
        (block $known
          (block $unknown
            (if (i32.or (i32.eqz (local.get $shndx))
                  (i32.or (i32.eq (local.get $shndx) (i32.const 0xfff1)) (i32.eq (local.get $shndx) (i32.const 0xfff2))))
              (then (local.set $a (i64.load offset=8 (local.get $e))) (br $known)))
            (br_if $unknown (i32.ge_u (local.get $shndx) (local.get $nsec)))
            (local.set $mode (i32.load (i32.add (local.get $modes) (i32.shl (local.get $shndx) (i32.const 2)))))
            ;; mode 2: a dropped section; its symbols (but the null one) have no plain address
            (if (i32.and (i32.eq (local.get $mode) (i32.const 2)) (i32.ne (local.get $sym) (i32.const 0)))
              (then (local.set $sym (i32.add (local.get $sym) (i32.const 1))) (br $each)))
            (br_if $unknown (i32.ne (local.get $mode) (i32.const 1)))
            (local.set $a (i64.load (i32.add (local.get $bases) (i32.shl (local.get $shndx) (i32.const 3)))))
            ;; STT_SECTION (3): the section's start; others add st_value
            (if (i32.ne (i32.and (i32.load8_u offset=4 (local.get $e)) (i32.const 15)) (i32.const 3))
              (then (local.set $a (i64.add (local.get $a) (i64.load offset=8 (local.get $e))))))
            (br $known))
          (i32.store (i32.add (local.get $left) (i32.shl (local.get $nl) (i32.const 2))) (local.get $sym))
          (local.set $nl (i32.add (local.get $nl) (i32.const 1)))
          (local.set $sym (i32.add (local.get $sym) (i32.const 1)))
          (br $each))
        (i64.store (i32.add (local.get $addr) (i32.shl (local.get $sym) (i32.const 3))) (local.get $a))
        (i32.store (i32.add (local.get $state) (i32.shl (local.get $sym) (i32.const 2))) (i32.const 1))
        (local.set $sym (i32.add (local.get $sym) (i32.const 1)))
        (br $each)))
    (local.get $nl))

  ;; output_symbols(syms, first, end, secSym, secOff, nsec, outSym, growth): for --emit-relocs,
  ;; the output symbol of each STT_SECTION local in [first, end) of one file (secSym/secOff per
  ;; input section: its output section's symbol, or -1 for a merged section, and its offset
  ;; there, which the addend grows by); outSym already holds the other locals' indices.
  (func (export "output_symbols")
    (param $syms i32) (param $first i32) (param $end i32) (param $secSym i32) (param $secOff i32)
    (param $nsec i32) (param $outSym i32) (param $growth i32)
    (local $sym i32) (local $e i32) (local $shndx i32) (local $index i32) (local $off i32)
    (local.set $sym (local.get $first))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $sym) (local.get $end)))
        (local.set $e (i32.add (local.get $syms) (i32.mul (local.get $sym) (i32.const 24))))
        (if (i32.eq (i32.and (i32.load8_u offset=4 (local.get $e)) (i32.const 15)) (i32.const 3))
          (then
            (local.set $shndx (i32.load16_u offset=6 (local.get $e)))
            (local.set $index (i32.const 0))
            (local.set $off (i32.const 0))
            (if (i32.lt_u (local.get $shndx) (local.get $nsec))
              (then
                (local.set $index (i32.load (i32.add (local.get $secSym) (i32.shl (local.get $shndx) (i32.const 2)))))
                (local.set $off (i32.load (i32.add (local.get $secOff) (i32.shl (local.get $shndx) (i32.const 2)))))))
            (i32.store (i32.add (local.get $outSym) (i32.shl (local.get $sym) (i32.const 2))) (local.get $index))
            (i32.store (i32.add (local.get $growth) (i32.shl (local.get $sym) (i32.const 2))) (local.get $off))))
        (local.set $sym (i32.add (local.get $sym) (i32.const 1)))
        (br $each))))

  ;; emit_entries(first, count, slot, words, P, relax, dropped, outSym, growth, dest, k, fixups)
  ;; -> the next k: the kept relocations [first, first + count) of one member as Elf64_Rela
  ;; entries k, k + 1, … at dest — r_offset the place, the output symbol, the addend grown by growth[sym] (u32). An entry
  ;; whose symbol is a merged section's (-1) or that was rewritten is written as is and its
  ;; position (entry number k, plan entry n) listed in `fixups` (count at fixups[0]) for the caller.
  (func (export "emit_entries")
    (param $first i32) (param $count i32) (param $slot i32) (param $words i32) (param $P i32)
    (param $relax i32) (param $dropped i32) (param $outSym i32) (param $growth i32) (param $dest i32)
    (param $k i32) (param $fixups i32) (result i32)
    (local $n i32) (local $end i32) (local $w i32) (local $s i32) (local $index i32)
    (local $o i32) (local $nf i32)
    (local.set $n (local.get $first))
    (local.set $end (i32.add (local.get $first) (local.get $count)))
    (local.set $nf (i32.load (local.get $fixups)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $n) (local.get $end)))
        (block $next
          (br_if $next (i32.load8_u (i32.add (local.get $dropped) (local.get $n))))
          (local.set $w (i32.add (local.get $words) (i32.mul (local.get $n) (i32.const 24))))
          (local.set $s (i32.shl (i32.add (local.get $slot) (i32.load offset=12 (local.get $w))) (i32.const 2)))
          (local.set $index (i32.load (i32.add (local.get $outSym) (local.get $s))))
          (local.set $o (i32.add (local.get $dest) (i32.mul (local.get $k) (i32.const 24))))
          (i64.store (local.get $o) (i64.load (i32.add (local.get $P) (i32.shl (local.get $n) (i32.const 3)))))
          (i32.store offset=8 (local.get $o) (i32.load offset=8 (local.get $w)))
          (i32.store offset=12 (local.get $o) (local.get $index))
          (i64.store offset=16 (local.get $o)
            (i64.add (i64.load offset=16 (local.get $w)) (i64.extend_i32_u (i32.load (i32.add (local.get $growth) (local.get $s))))))
          (if (i32.or (i32.eq (local.get $index) (i32.const -1)) (i32.load8_u (i32.add (local.get $relax) (local.get $n))))
            (then
              (local.set $nf (i32.add (local.get $nf) (i32.const 1)))
              (i32.store (i32.add (local.get $fixups) (i32.shl (local.get $nf) (i32.const 3))) (local.get $k))
              (i32.store offset=4 (i32.add (local.get $fixups) (i32.shl (local.get $nf) (i32.const 3))) (local.get $n))))
          (local.set $k (i32.add (local.get $k) (i32.const 1))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $each)))
    (i32.store (local.get $fixups) (local.get $nf))
    (local.get $k))

  ;; scan_entries(words, nsec, table, symbols, firstGlobal, kinds, ifunc, counts, firstSeen, seq,
  ;; special) -> how many entries of one file the caller must look at, listed in `special` by
  ;; their number n in the file (words + 24 n; its relocation sections one after another, `table`
  ;; giving each one's entry count and size, u32 pairs): a symbol index out of range, a type
  ;; without a kind (kinds byte 3 is 1 for known types), a global IFUNC target (ifunc[sym]), a
  ;; field past the section's size, TLSGD/TLSLD (the entry after it in its section, the
  ;; __tls_get_addr call, is skipped here) and GOT-relative types (formula 3). Every other entry
  ;; is counted by type (counts[type]++, firstSeen[type] = the least seq + n) and needs nothing
  ;; more: the scan's plain case.
  (func (export "scan_entries")
    (param $words i32) (param $nsec i32) (param $table i32) (param $symbols i32) (param $firstGlobal i32)
    (param $kinds i32) (param $ifunc i32) (param $counts i32) (param $firstSeen i32) (param $seq i32)
    (param $special i32) (result i32)
    (local $k i32) (local $n i32) (local $end i32) (local $size i64) (local $w i32) (local $t i32)
    (local $sym i32) (local $kind i32) (local $ns i32) (local $at i32)
    (block $files
      (loop $each_section
        (br_if $files (i32.ge_u (local.get $k) (local.get $nsec)))
        (local.set $end (i32.add (local.get $n) (i32.load (i32.add (local.get $table) (i32.shl (local.get $k) (i32.const 3))))))
        (local.set $size (i64.extend_i32_u (i32.load offset=4 (i32.add (local.get $table) (i32.shl (local.get $k) (i32.const 3))))))
        (block $done
          (loop $each
            (br_if $done (i32.ge_u (local.get $n) (local.get $end)))
            (block $next
              (block $look
                (local.set $w (i32.add (local.get $words) (i32.mul (local.get $n) (i32.const 24))))
                (local.set $sym (i32.load offset=12 (local.get $w)))
                (local.set $t (i32.load offset=8 (local.get $w)))
                (br_if $look (i32.ge_u (local.get $sym) (local.get $symbols)))
                (br_if $look (i32.ge_u (local.get $t) (i32.const 256)))
                (local.set $kind (i32.add (local.get $kinds) (i32.shl (local.get $t) (i32.const 2))))
                (br_if $look (i32.eqz (i32.load8_u offset=3 (local.get $kind))))
                (br_if $look (i32.and (i32.ge_u (local.get $sym) (local.get $firstGlobal))
                                      (i32.load8_u (i32.add (local.get $ifunc) (local.get $sym)))))
                ;; offset + field size past the section (an offset of 2^32 or more always is)
                (br_if $look (i32.ne (i32.load offset=4 (local.get $w)) (i32.const 0)))
                (br_if $look (i64.gt_u (i64.add (i64.load32_u (local.get $w)) (i64.extend_i32_u (i32.load8_u (local.get $kind))))
                                       (local.get $size)))
                (if (i32.or (i32.eq (local.get $t) (i32.const 19)) (i32.eq (local.get $t) (i32.const 20)))
                  (then
                    (i32.store (i32.add (local.get $special) (i32.shl (local.get $ns) (i32.const 2))) (local.get $n))
                    (local.set $ns (i32.add (local.get $ns) (i32.const 1)))
                    (if (i32.lt_u (i32.add (local.get $n) (i32.const 1)) (local.get $end))
                      (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
                    (br $next)))
                (br_if $look (i32.eq (i32.load8_u offset=1 (local.get $kind)) (i32.const 3)))
                ;; the plain case: counted
                (local.set $at (i32.add (local.get $counts) (i32.shl (local.get $t) (i32.const 2))))
                (i32.store (local.get $at) (i32.add (i32.load (local.get $at)) (i32.const 1)))
                (local.set $at (i32.add (local.get $firstSeen) (i32.shl (local.get $t) (i32.const 2))))
                (if (i32.gt_u (i32.load (local.get $at)) (i32.add (local.get $seq) (local.get $n)))
                  (then (i32.store (local.get $at) (i32.add (local.get $seq) (local.get $n)))))
                (br $next))
              (i32.store (i32.add (local.get $special) (i32.shl (local.get $ns) (i32.const 2))) (local.get $n))
              (local.set $ns (i32.add (local.get $ns) (i32.const 1))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $each)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each_section)))
    (local.get $ns))

  ;; verify_entries(first, end, symtab, kinds, buffer, base, tp, asInput, listed, room, counts):
  ;; re-derives the emitted entries [first, end) of one output section (Elf64_Rela at `first`…
  ;; of the emitted area, whose address is `base`, bytes at `buffer`) from the output .symtab:
  ;; S + A (- P) (- TP), compared with the field's bytes in its width. Skips types without a value
  ;; here (size 0, GOT and size formulas) and entries a TLS rewrite left describing the old code.
  ;; counts[0] += checked; mismatches go to `listed` as (entry, expected, found) while counts[1] <
  ;; room, and always count in counts[1].
  (func (export "verify_entries")
    (param $first i32) (param $end i32) (param $emitted i32) (param $symtab i32) (param $kinds i32)
    (param $buffer i32) (param $base i64) (param $tp i64) (param $asInput i32) (param $listed i32)
    (param $room i32) (param $counts i32)
    (local $k i32) (local $e i32) (local $t i32) (local $size i32) (local $f i32) (local $place i64)
    (local $v i64) (local $at i32) (local $found i64) (local $mask i64) (local $checked i32) (local $bad i32)
    (local.set $k (local.get $first))
    (local.set $checked (i32.load (local.get $counts)))
    (local.set $bad (i32.load offset=4 (local.get $counts)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $k) (local.get $end)))
        (block $next
          (local.set $e (i32.add (local.get $emitted) (i32.mul (local.get $k) (i32.const 24))))
          (local.set $t (i32.load offset=8 (local.get $e)))
          (br_if $next (i32.ge_u (local.get $t) (i32.const 256)))
          (local.set $size (i32.load8_u (i32.add (local.get $kinds) (i32.shl (local.get $t) (i32.const 2)))))
          (local.set $f (i32.load8_u offset=1 (i32.add (local.get $kinds) (i32.shl (local.get $t) (i32.const 2)))))
          (br_if $next (i32.or (i32.eqz (local.get $size)) (i32.or (i32.eq (local.get $f) (i32.const 3)) (i32.eq (local.get $f) (i32.const 4)))))
          (br_if $next (i32.load8_u (i32.add (local.get $asInput) (i32.sub (local.get $k) (local.get $first)))))
          (local.set $checked (i32.add (local.get $checked) (i32.const 1)))
          (local.set $place (i64.load (local.get $e)))
          (local.set $v (i64.add
            (i64.load offset=8 (i32.add (local.get $symtab) (i32.mul (i32.load offset=12 (local.get $e)) (i32.const 24))))
            (i64.load offset=16 (local.get $e))))
          (if (i32.eq (local.get $f) (i32.const 2)) (then (local.set $v (i64.sub (local.get $v) (local.get $place)))))
          (if (i32.eq (local.get $f) (i32.const 5)) (then (local.set $v (i64.sub (local.get $v) (local.get $tp)))))
          (local.set $at (i32.add (local.get $buffer) (i32.wrap_i64 (i64.sub (local.get $place) (local.get $base)))))
          (local.set $found (i64.load8_u (local.get $at)))
          (local.set $mask (i64.const 0xff))
          (if (i32.eq (local.get $size) (i32.const 2)) (then (local.set $found (i64.load16_u (local.get $at))) (local.set $mask (i64.const 0xffff))))
          (if (i32.eq (local.get $size) (i32.const 4)) (then (local.set $found (i64.load32_u (local.get $at))) (local.set $mask (i64.const 0xffffffff))))
          (if (i32.eq (local.get $size) (i32.const 8)) (then (local.set $found (i64.load (local.get $at))) (local.set $mask (i64.const -1))))
          (local.set $v (i64.and (local.get $v) (local.get $mask)))
          (br_if $next (i64.eq (local.get $v) (local.get $found)))
          (if (i32.lt_u (local.get $bad) (local.get $room))
            (then
              (i64.store (i32.add (local.get $listed) (i32.mul (local.get $bad) (i32.const 24))) (i64.extend_i32_u (local.get $k)))
              (i64.store offset=8 (i32.add (local.get $listed) (i32.mul (local.get $bad) (i32.const 24))) (local.get $v))
              (i64.store offset=16 (i32.add (local.get $listed) (i32.mul (local.get $bad) (i32.const 24))) (local.get $found))))
          (local.set $bad (i32.add (local.get $bad) (i32.const 1))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each)))
    (i32.store (local.get $counts) (local.get $checked))
    (i32.store offset=4 (local.get $counts) (local.get $bad)))

  ;; plan_entries(...) -> number of entries left to the caller (written to `slow` in order):
  ;; everything but S + A (- P) to a symbol whose address is known.
  (func (export "plan_entries")
    (param $sections i32) (param $nsec i32) (param $words i32) (param $relax i32) (param $kinds i32)
    (param $symAddr i32) (param $symState i32) (param $out i32) (param $at i32) (param $type i32)
    (param $formula i32) (param $source i32) (param $index i32) (param $S i32) (param $A i32)
    (param $P i32) (param $slow i32) (result i32)
    (local $k i32) (local $h i32) (local $first i32) (local $count i32) (local $o i32) (local $off i32)
    (local $base i64) (local $symBase i32) (local $i i32) (local $n i32) (local $w i32) (local $t i32)
    (local $f i32) (local $sym i32) (local $slot i32) (local $ns i32) (local $offset i64)
    (block $done
      (loop $each_section
        (br_if $done (i32.ge_u (local.get $k) (local.get $nsec)))
        (local.set $h (i32.add (local.get $sections) (i32.shl (local.get $k) (i32.const 5))))
        (if (i32.eqz (i32.and (i32.load offset=28 (local.get $h)) (i32.const 1)))
          (then
            (local.set $first (i32.load (local.get $h)))
            (local.set $count (i32.load offset=4 (local.get $h)))
            (local.set $o (i32.load offset=8 (local.get $h)))
            (local.set $off (i32.load offset=12 (local.get $h)))
            (local.set $base (i64.load offset=16 (local.get $h)))
            (local.set $symBase (i32.load offset=24 (local.get $h)))
            (local.set $i (i32.const 0))
            (block $section_done
              (loop $each_entry
                (br_if $section_done (i32.ge_u (local.get $i) (local.get $count)))
                (local.set $n (i32.add (local.get $first) (local.get $i)))
                (local.set $w (i32.add (local.get $words) (i32.mul (local.get $n) (i32.const 24))))
                (local.set $offset (i64.load (local.get $w)))
                (local.set $t (i32.load offset=8 (local.get $w)))
                (local.set $sym (i32.load offset=12 (local.get $w)))
                (i32.store (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))) (local.get $o))
                (i32.store (i32.add (local.get $at) (i32.shl (local.get $n) (i32.const 2)))
                  (i32.add (local.get $off) (i32.wrap_i64 (local.get $offset))))
                (i32.store8 (i32.add (local.get $type) (local.get $n)) (local.get $t))
                (i32.store (i32.add (local.get $source) (i32.shl (local.get $n) (i32.const 2))) (local.get $k))
                (i32.store (i32.add (local.get $index) (i32.shl (local.get $n) (i32.const 2))) (local.get $i))
                (i64.store (i32.add (local.get $P) (i32.shl (local.get $n) (i32.const 3)))
                  (i64.add (local.get $base) (local.get $offset)))
                (i64.store (i32.add (local.get $A) (i32.shl (local.get $n) (i32.const 3))) (i64.load offset=16 (local.get $w)))
                ;; the formula of the type (types past 255 have none)
                (local.set $f (i32.const 0))
                (if (i32.lt_u (local.get $t) (i32.const 256))
                  (then (local.set $f (i32.load8_u offset=1 (i32.add (local.get $kinds) (i32.shl (local.get $t) (i32.const 2)))))))
                (block $next
                  ;; none, or the __tls_get_addr call a TLS rewrite consumed (Relax.Consumed = 11)
                  (br_if $next (i32.or (i32.eqz (local.get $f))
                    (i32.eq (i32.load8_u (i32.add (local.get $relax) (local.get $n))) (i32.const 11))))
                  (if (i32.le_u (local.get $f) (i32.const 2))
                    (then
                      (local.set $slot (i32.add (local.get $symBase) (local.get $sym)))
                      (if (i32.eq (i32.load (i32.add (local.get $symState) (i32.shl (local.get $slot) (i32.const 2)))) (i32.const 1))
                        (then
                          (i64.store (i32.add (local.get $S) (i32.shl (local.get $n) (i32.const 3)))
                            (i64.load (i32.add (local.get $symAddr) (i32.shl (local.get $slot) (i32.const 3)))))
                          (i32.store8 (i32.add (local.get $formula) (local.get $n)) (local.get $f))
                          (br $next)))))
                  (i32.store (i32.add (local.get $slow) (i32.shl (local.get $ns) (i32.const 2))) (local.get $n))
                  (local.set $ns (i32.add (local.get $ns) (i32.const 1))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $each_entry)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each_section)))
    (local.get $ns))

  ;; check_targets(from, to, formula, relax, type, out, at, kinds, sizes) -> the first entry in
  ;; [from, to) with something to write whose field is not inside its buffer (sizes[out], -1 for
  ;; none: SHT_NOBITS), or -1.
  (func (export "check_targets")
    (param $from i32) (param $to i32) (param $formula i32) (param $relax i32) (param $type i32)
    (param $out i32) (param $at i32) (param $kinds i32) (param $sizes i32) (result i32)
    (local $n i32) (local $t i32) (local $size i64) (local $len i32)
    (local.set $n (local.get $from))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $n) (local.get $to)))
        (block $ok
          (br_if $ok (i32.and (i32.eqz (i32.load8_u (i32.add (local.get $formula) (local.get $n))))
                              (i32.eqz (i32.load8_u (i32.add (local.get $relax) (local.get $n))))))
          (local.set $t (i32.load8_u (i32.add (local.get $type) (local.get $n))))
          (local.set $len (i32.load (i32.add (local.get $sizes)
            (i32.shl (i32.load (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2)))) (i32.const 2)))))
          (if (i32.eq (local.get $len) (i32.const -1)) (then (return (local.get $n))))
          ;; at + size <= len, in 64 bits so that no sum wraps
          (br_if $ok (i64.le_u
            (i64.add (i64.extend_i32_u (i32.load (i32.add (local.get $at) (i32.shl (local.get $n) (i32.const 2)))))
                     (i64.extend_i32_u (i32.load8_u (i32.add (local.get $kinds) (i32.shl (local.get $t) (i32.const 2))))))
            (i64.extend_i32_u (local.get $len))))
          (return (local.get $n)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $each)))
    (i32.const -1))

  ;; apply_entries(from, to, ..., bases, overflow, relaxed, counts): for each entry in [from, to)
  ;; with a formula and no rewrite, value = S + A (- P), checked against the type's range rule
  ;; (fit 1 signed, 2 unsigned, 3 either, 0 none) and stored in the field's width at
  ;; bases[out] + at. Entries that overflow go to `overflow`, entries with a rewrite to `relaxed`
  ;; (the caller's); counts[0], counts[1] receive their numbers.
  (func (export "apply_entries")
    (param $from i32) (param $to i32) (param $formula i32) (param $type i32) (param $out i32)
    (param $at i32) (param $relax i32) (param $S i32) (param $A i32) (param $P i32) (param $kinds i32)
    (param $bases i32) (param $overflow i32) (param $relaxed i32) (param $counts i32)
    (local $n i32) (local $f i32) (local $kind i32) (local $size i32) (local $fit i32) (local $v i64)
    (local $bits i64) (local $signed i32) (local $unsigned i32) (local $addr i32) (local $no i32) (local $nr i32)
    (local.set $n (local.get $from))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $n) (local.get $to)))
        (block $next
          (local.set $f (i32.load8_u (i32.add (local.get $formula) (local.get $n))))
          (br_if $next (i32.eqz (local.get $f)))
          (if (i32.load8_u (i32.add (local.get $relax) (local.get $n)))
            (then
              (i32.store (i32.add (local.get $relaxed) (i32.shl (local.get $nr) (i32.const 2))) (local.get $n))
              (local.set $nr (i32.add (local.get $nr) (i32.const 1)))
              (br $next)))
          (local.set $kind (i32.add (local.get $kinds) (i32.shl (i32.load8_u (i32.add (local.get $type) (local.get $n))) (i32.const 2))))
          (local.set $size (i32.load8_u (local.get $kind)))
          (local.set $fit (i32.load8_u offset=2 (local.get $kind)))
          (local.set $v (i64.add (i64.load (i32.add (local.get $S) (i32.shl (local.get $n) (i32.const 3))))
                                 (i64.load (i32.add (local.get $A) (i32.shl (local.get $n) (i32.const 3))))))
          (if (i32.eq (local.get $f) (i32.const 2))
            (then (local.set $v (i64.sub (local.get $v) (i64.load (i32.add (local.get $P) (i32.shl (local.get $n) (i32.const 3))))))))
          ;; range: the value as a signed or unsigned field of size * 8 bits
          (if (i32.and (i32.ne (local.get $fit) (i32.const 0)) (i32.ne (local.get $size) (i32.const 8)))
            (then
              (local.set $bits (i64.extend_i32_u (i32.shl (local.get $size) (i32.const 3))))
              (local.set $signed (i64.eq (local.get $v)
                (i64.shr_s (i64.shl (local.get $v) (i64.sub (i64.const 64) (local.get $bits))) (i64.sub (i64.const 64) (local.get $bits)))))
              (local.set $unsigned (i64.eqz (i64.shr_u (local.get $v) (local.get $bits))))
              (if (i32.eqz (select (local.get $signed)
                    (select (local.get $unsigned) (i32.or (local.get $signed) (local.get $unsigned)) (i32.eq (local.get $fit) (i32.const 2)))
                    (i32.eq (local.get $fit) (i32.const 1))))
                (then
                  (i32.store (i32.add (local.get $overflow) (i32.shl (local.get $no) (i32.const 2))) (local.get $n))
                  (local.set $no (i32.add (local.get $no) (i32.const 1)))))))
          (local.set $addr (i32.add
            (i32.load (i32.add (local.get $bases) (i32.shl (i32.load (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2)))) (i32.const 2))))
            (i32.load (i32.add (local.get $at) (i32.shl (local.get $n) (i32.const 2))))))
          (if (i32.eq (local.get $size) (i32.const 4)) (then (i64.store32 (local.get $addr) (local.get $v)) (br $next)))
          (if (i32.eq (local.get $size) (i32.const 8)) (then (i64.store (local.get $addr) (local.get $v)) (br $next)))
          (if (i32.eq (local.get $size) (i32.const 2)) (then (i64.store16 (local.get $addr) (local.get $v)) (br $next)))
          (if (i32.eq (local.get $size) (i32.const 1)) (then (i64.store8 (local.get $addr) (local.get $v)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $each)))
    (i32.store (local.get $counts) (local.get $no))
    (i32.store offset=4 (local.get $counts) (local.get $nr)))
)
