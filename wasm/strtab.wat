;; Finishes an ELF string table the way GNU BFD finishes .strtab/.shstrtab on output
;; (bfd/elf-strtab.c, _bfd_elf_strtab_finalize): each distinct string stored once, at the place of
;; its first addition; a string that is a proper suffix of a stored one shares its tail.
;; TypeScript twin: src/hot/string-table.ts (stringTableTwin); tests hold the two equal.
;;
;; Steps, all over caller-allocated arrays (byte offsets into the shared memory, i32 entries):
;;   1. src[h] = bases[bufferOf[h]] + src[h]; pool gets every string's bytes reversed (SIMD
;;      shuffles 16 at a time), at[h] its start there.
;;   2. A stable MSD radix sort of the handles by reversed bytes, unsigned, shorter first on a
;;      common tail (BFD's order); insertion sort below 24 entries.
;;   3. Equal neighbours are one string (the first added is canonical); walking the distinct ones
;;      from the end, a proper suffix of the last kept string points into it (parent).
;;   4. Offsets in addition order; the table bytes with a leading NUL and one after each string.
(module
  (import "env" "memory" (memory 1 65536))

  ;; 1 when the $n bytes at $a and $b are equal.
  (func $same (param $a i32) (param $b i32) (param $n i32) (result i32)
    (block $tail
      (loop $wide
        (br_if $tail (i32.lt_u (local.get $n) (i32.const 16)))
        (if (v128.any_true (v128.xor (v128.load (local.get $a)) (v128.load (local.get $b))))
          (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 16)))
        (br $wide)))
    (block $done
      (loop $narrow
        (br_if $done (i32.eqz (local.get $n)))
        (if (i32.ne (i32.load8_u (local.get $a)) (i32.load8_u (local.get $b)))
          (then (return (i32.const 0))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $narrow)))
    (i32.const 1))

  ;; Reversed strings sorted: 1 when string $a sorts after string $b (both sharing $depth bytes).
  (func $after (param $a i32) (param $b i32) (param $depth i32) (param $len i32) (param $at i32) (param $pool i32) (result i32)
    (local $la i32) (local $lb i32) (local $m i32) (local $i i32) (local $j i32) (local $x i32) (local $y i32)
    (local.set $la (i32.load (i32.add (local.get $len) (i32.shl (local.get $a) (i32.const 2)))))
    (local.set $lb (i32.load (i32.add (local.get $len) (i32.shl (local.get $b) (i32.const 2)))))
    (local.set $m (select (local.get $la) (local.get $lb) (i32.lt_u (local.get $la) (local.get $lb))))
    (local.set $i (i32.add (local.get $pool) (i32.add (i32.load (i32.add (local.get $at) (i32.shl (local.get $a) (i32.const 2)))) (local.get $depth))))
    (local.set $j (i32.add (local.get $pool) (i32.add (i32.load (i32.add (local.get $at) (i32.shl (local.get $b) (i32.const 2)))) (local.get $depth))))
    (block $equal
      (loop $bytes
        (br_if $equal (i32.ge_u (local.get $depth) (local.get $m)))
        (local.set $x (i32.load8_u (local.get $i)))
        (local.set $y (i32.load8_u (local.get $j)))
        (if (i32.ne (local.get $x) (local.get $y)) (then (return (i32.gt_u (local.get $x) (local.get $y)))))
        (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $bytes)))
    (i32.gt_u (local.get $la) (local.get $lb)))

  ;; finish(n, bases, bufferOf, src, len, at, pool, order, scratch, stack, canon, parent, offsets,
  ;;        table, counts, keys) -> table size. `src` holds string starts within their buffers on entry
  ;; and absolute addresses after; `stack` has room for 3 * (n / 2 + 1) entries, `counts` for 516, `keys` n u16.
  ;; Steps 1 and 2: sources made absolute, the reversed pool, order[0, n) sorted. Returns nothing.
  (func $sort_reversed
    (param $n i32) (param $bases i32) (param $bufferOf i32) (param $src i32) (param $len i32)
    (param $at i32) (param $pool i32) (param $order i32) (param $scratch i32) (param $stack i32)
    (param $counts i32) (param $keys i32)
    (local $h i32) (local $l i32) (local $s i32) (local $p i32) (local $d i32) (local $total i32)
    (local $sp i32) (local $start i32) (local $end i32) (local $depth i32) (local $i i32) (local $j i32)
    (local $b i32) (local $first i32) (local $from i32) (local $to i32) (local $k i32) (local $c i32)

    ;; 1. absolute sources and the reversed pool
    (local.set $h (i32.const 0))
    (block $pooled
      (loop $each
        (br_if $pooled (i32.ge_u (local.get $h) (local.get $n)))
        (local.set $s (i32.add (i32.load (i32.add (local.get $bases) (i32.shl (i32.load (i32.add (local.get $bufferOf) (i32.shl (local.get $h) (i32.const 2)))) (i32.const 2))))
                               (i32.load (i32.add (local.get $src) (i32.shl (local.get $h) (i32.const 2))))))
        (i32.store (i32.add (local.get $src) (i32.shl (local.get $h) (i32.const 2))) (local.get $s))
        (local.set $l (i32.load (i32.add (local.get $len) (i32.shl (local.get $h) (i32.const 2)))))
        (i32.store (i32.add (local.get $at) (i32.shl (local.get $h) (i32.const 2))) (local.get $total))
        (local.set $p (i32.add (local.get $pool) (local.get $total)))
        (local.set $d (i32.const 0))
        ;; 16 bytes at a time from the string's end, reversed by one shuffle
        (block $short
          (loop $wide
            (br_if $short (i32.lt_u (i32.sub (local.get $l) (local.get $d)) (i32.const 16)))
            (v128.store (i32.add (local.get $p) (local.get $d))
              (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0
                (v128.load (i32.sub (i32.add (local.get $s) (local.get $l)) (i32.add (local.get $d) (i32.const 16))))
                (v128.const i32x4 0 0 0 0)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $wide)))
        (block $copied
          (loop $narrow
            (br_if $copied (i32.ge_u (local.get $d) (local.get $l)))
            (i32.store8 (i32.add (local.get $p) (local.get $d))
              (i32.load8_u (i32.sub (i32.add (local.get $s) (local.get $l)) (i32.add (local.get $d) (i32.const 1)))))
            (local.set $d (i32.add (local.get $d) (i32.const 1)))
            (br $narrow)))
        (local.set $total (i32.add (local.get $total) (local.get $l)))
        (i32.store (i32.add (local.get $order) (i32.shl (local.get $h) (i32.const 2))) (local.get $h))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $each)))

    ;; 2. MSD radix sort of order[0, n) with an explicit stack of (start, end, depth)
    (local.set $sp (local.get $stack))
    (if (i32.gt_u (local.get $n) (i32.const 1))
      (then
        (i32.store (local.get $sp) (i32.const 0))
        (i32.store offset=4 (local.get $sp) (local.get $n))
        (i32.store offset=8 (local.get $sp) (i32.const 0))
        (local.set $sp (i32.add (local.get $sp) (i32.const 12)))))
    (local.set $first (i32.add (local.get $counts) (i32.const 1032)))
    (block $sorted
      (loop $ranges
        (br_if $sorted (i32.le_u (local.get $sp) (local.get $stack)))
        (local.set $sp (i32.sub (local.get $sp) (i32.const 12)))
        (local.set $start (i32.load (local.get $sp)))
        (local.set $end (i32.load offset=4 (local.get $sp)))
        (local.set $depth (i32.load offset=8 (local.get $sp)))
        (if (i32.lt_u (i32.sub (local.get $end) (local.get $start)) (i32.const 24))
          (then
            ;; insertion sort (stable: moves only past entries that sort strictly after)
            (local.set $i (i32.add (local.get $start) (i32.const 1)))
            (block $inserted
              (loop $insert
                (br_if $inserted (i32.ge_u (local.get $i) (local.get $end)))
                (local.set $h (i32.load (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $j (local.get $i))
                (block $placed
                  (loop $shift
                    (br_if $placed (i32.le_u (local.get $j) (local.get $start)))
                    (local.set $c (i32.load (i32.add (local.get $order) (i32.shl (i32.sub (local.get $j) (i32.const 1)) (i32.const 2)))))
                    (br_if $placed (i32.eqz (call $after (local.get $c) (local.get $h) (local.get $depth)
                                                          (local.get $len) (local.get $at) (local.get $pool))))
                    (i32.store (i32.add (local.get $order) (i32.shl (local.get $j) (i32.const 2))) (local.get $c))
                    (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                    (br $shift)))
                (i32.store (i32.add (local.get $order) (i32.shl (local.get $j) (i32.const 2))) (local.get $h))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $insert)))
            (br $ranges)))
        ;; each entry's bucket at this depth once into keys (0: ended, else 1 + byte), counted
        ;; as counts[bucket + 1], then prefix sums: counts[b] = first slot of bucket b
        (memory.fill (local.get $counts) (i32.const 0) (i32.const 1032))
        (local.set $i (local.get $start))
        (block $counted
          (loop $count
            (br_if $counted (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $h (i32.load (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $k (i32.const 0))
            (if (i32.lt_u (local.get $depth) (i32.load (i32.add (local.get $len) (i32.shl (local.get $h) (i32.const 2)))))
              (then (local.set $k (i32.add (i32.const 1) (i32.load8_u (i32.add (local.get $pool)
                (i32.add (i32.load (i32.add (local.get $at) (i32.shl (local.get $h) (i32.const 2)))) (local.get $depth))))))))
            (i32.store16 (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 1))) (local.get $k))
            (local.set $b (i32.add (local.get $counts) (i32.shl (local.get $k) (i32.const 2))))
            (i32.store offset=4 (local.get $b) (i32.add (i32.load offset=4 (local.get $b)) (i32.const 1)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $count)))
        (local.set $b (i32.add (local.get $counts) (i32.const 4)))
        (loop $prefix
          (i32.store (local.get $b) (i32.add (i32.load (local.get $b)) (i32.load offset=0 (i32.sub (local.get $b) (i32.const 4)))))
          (local.set $b (i32.add (local.get $b) (i32.const 4)))
          (br_if $prefix (i32.lt_u (local.get $b) (i32.add (local.get $counts) (i32.const 1032)))))
        (memory.copy (local.get $first) (local.get $counts) (i32.const 1032))
        ;; stable scatter into scratch, then back
        (local.set $i (local.get $start))
        (block $scattered
          (loop $scatter
            (br_if $scattered (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $b (i32.add (local.get $counts)
              (i32.shl (i32.load16_u (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 1)))) (i32.const 2))))
            (local.set $k (i32.load (local.get $b)))
            (i32.store (local.get $b) (i32.add (local.get $k) (i32.const 1)))
            (i32.store (i32.add (local.get $scratch) (i32.shl (i32.add (local.get $start) (local.get $k)) (i32.const 2)))
              (i32.load (i32.add (local.get $order) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $scatter)))
        (memory.copy
          (i32.add (local.get $order) (i32.shl (local.get $start) (i32.const 2)))
          (i32.add (local.get $scratch) (i32.shl (local.get $start) (i32.const 2)))
          (i32.shl (i32.sub (local.get $end) (local.get $start)) (i32.const 2)))
        ;; bucket 0 (ended strings) is all equal strings: done; recurse into buckets 1..256
        (local.set $b (i32.const 1))
        (loop $buckets
          (local.set $from (i32.add (local.get $start) (i32.load (i32.add (local.get $first) (i32.shl (local.get $b) (i32.const 2))))))
          (local.set $to (i32.add (local.get $start) (i32.load (i32.add (local.get $first) (i32.shl (i32.add (local.get $b) (i32.const 1)) (i32.const 2))))))
          (if (i32.gt_u (i32.sub (local.get $to) (local.get $from)) (i32.const 1))
            (then
              (i32.store (local.get $sp) (local.get $from))
              (i32.store offset=4 (local.get $sp) (local.get $to))
              (i32.store offset=8 (local.get $sp) (i32.add (local.get $depth) (i32.const 1)))
              (local.set $sp (i32.add (local.get $sp) (i32.const 12)))))
          (local.set $b (i32.add (local.get $b) (i32.const 1)))
          (br_if $buckets (i32.lt_u (local.get $b) (i32.const 257))))
        (br $ranges)))

  )

  ;; Per sorted position k, marks[k] bit 0: the string equals the one at k - 1; bit 1: it is a
  ;; proper prefix, reversed (so a proper suffix), of the one at k + 1.
  (func $mark_neighbours (param $n i32) (param $len i32) (param $at i32) (param $pool i32) (param $order i32) (param $marks i32)
    (local $k i32) (local $a i32) (local $b i32) (local $la i32) (local $lb i32) (local $m i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (i32.store8 (local.get $marks) (i32.const 0))
    (local.set $k (i32.const 1))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $a (i32.load (i32.add (local.get $order) (i32.shl (i32.sub (local.get $k) (i32.const 1)) (i32.const 2)))))
        (local.set $b (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $la (i32.load (i32.add (local.get $len) (i32.shl (local.get $a) (i32.const 2)))))
        (local.set $lb (i32.load (i32.add (local.get $len) (i32.shl (local.get $b) (i32.const 2)))))
        (local.set $m (i32.const 0))
        (if (i32.le_u (local.get $la) (local.get $lb))
          (then
            (if (call $same
                  (i32.add (local.get $pool) (i32.load (i32.add (local.get $at) (i32.shl (local.get $a) (i32.const 2)))))
                  (i32.add (local.get $pool) (i32.load (i32.add (local.get $at) (i32.shl (local.get $b) (i32.const 2)))))
                  (local.get $la))
              (then
                (if (i32.eq (local.get $la) (local.get $lb))
                  (then (local.set $m (i32.const 1)))
                  (else
                    ;; k - 1 is a proper prefix of k: bit 1 at k - 1
                    (i32.store8 (i32.add (local.get $marks) (i32.sub (local.get $k) (i32.const 1)))
                      (i32.or (i32.load8_u (i32.add (local.get $marks) (i32.sub (local.get $k) (i32.const 1)))) (i32.const 2)))))))))
        (i32.store8 (i32.add (local.get $marks) (local.get $k)) (local.get $m))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each))))

  ;; reverse_sort(n, bases, bufferOf, src, len, at, pool, order, scratch, stack, counts, keys, marks):
  ;; steps 1 and 2 and the neighbour marks alone, for callers with their own sharing rules
  ;; (bfd/merge.c's string merging).
  (func (export "reverse_sort")
    (param $n i32) (param $bases i32) (param $bufferOf i32) (param $src i32) (param $len i32)
    (param $at i32) (param $pool i32) (param $order i32) (param $scratch i32) (param $stack i32)
    (param $counts i32) (param $keys i32) (param $marks i32)
    (call $sort_reversed (local.get $n) (local.get $bases) (local.get $bufferOf) (local.get $src) (local.get $len)
      (local.get $at) (local.get $pool) (local.get $order) (local.get $scratch) (local.get $stack) (local.get $counts) (local.get $keys))
    (call $mark_neighbours (local.get $n) (local.get $len) (local.get $at) (local.get $pool) (local.get $order) (local.get $marks)))

  (func (export "strtab_finish")
    (param $n i32) (param $bases i32) (param $bufferOf i32) (param $src i32) (param $len i32)
    (param $at i32) (param $pool i32) (param $order i32) (param $scratch i32) (param $stack i32)
    (param $canon i32) (param $parent i32) (param $offsets i32) (param $table i32) (param $counts i32) (param $keys i32)
    (param $marks i32) (result i32)
    (local $h i32) (local $l i32) (local $p i32) (local $k i32) (local $c i32)
    (local $run i32) (local $dn i32) (local $kept i32) (local $size i32)

    (call $sort_reversed (local.get $n) (local.get $bases) (local.get $bufferOf) (local.get $src) (local.get $len)
      (local.get $at) (local.get $pool) (local.get $order) (local.get $scratch) (local.get $stack) (local.get $counts) (local.get $keys))
    (call $mark_neighbours (local.get $n) (local.get $len) (local.get $at) (local.get $pool) (local.get $order) (local.get $marks))

    ;; 3. duplicates (bit 0) to their first addition; distinct strings in sorted order into scratch,
    ;; and into keys (free after the sort) whether each is a proper suffix of the next distinct one
    ;; (bit 1 of its run's last copy)
    (memory.fill (local.get $parent) (i32.const 255) (i32.shl (local.get $n) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $deduped
      (loop $dedup
        (br_if $deduped (i32.ge_u (local.get $k) (local.get $n)))
        (local.set $c (i32.load (i32.add (local.get $order) (i32.shl (local.get $k) (i32.const 2)))))
        (if (i32.and (i32.gt_u (local.get $k) (i32.const 0)) (i32.load8_u (i32.add (local.get $marks) (local.get $k))))
          (then (i32.store (i32.add (local.get $canon) (i32.shl (local.get $c) (i32.const 2))) (local.get $run)))
          (else
            (local.set $run (local.get $c))
            (i32.store (i32.add (local.get $canon) (i32.shl (local.get $c) (i32.const 2))) (local.get $c))
            (i32.store (i32.add (local.get $scratch) (i32.shl (local.get $dn) (i32.const 2))) (local.get $c))
            (local.set $dn (i32.add (local.get $dn) (i32.const 1)))))
        (i32.store8 (i32.add (local.get $keys) (i32.sub (local.get $dn) (i32.const 1)))
          (i32.and (i32.load8_u (i32.add (local.get $marks) (local.get $k))) (i32.const 2)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $dedup)))
    ;; the suffix walk from the end: a suffix of the next distinct string is one of the last kept
    ;; (which is that string, or one it is a suffix of)
    (if (i32.gt_u (local.get $dn) (i32.const 1))
      (then
        (local.set $kept (i32.load (i32.add (local.get $scratch) (i32.shl (i32.sub (local.get $dn) (i32.const 1)) (i32.const 2)))))
        (local.set $k (i32.sub (local.get $dn) (i32.const 2)))
        (loop $walk
          (local.set $c (i32.load (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 2)))))
          (if (i32.load8_u (i32.add (local.get $keys) (local.get $k)))
            (then (i32.store (i32.add (local.get $parent) (i32.shl (local.get $c) (i32.const 2))) (local.get $kept)))
            (else (local.set $kept (local.get $c))))
          (local.set $k (i32.sub (local.get $k) (i32.const 1)))
          (br_if $walk (i32.ge_s (local.get $k) (i32.const 0))))))

    ;; 4. offsets: stored strings in addition order, then suffixes, then duplicates; the bytes
    (local.set $size (i32.const 1))
    (i32.store8 (local.get $table) (i32.const 0))
    (local.set $h (i32.const 0))
    (block $laid
      (loop $lay
        (br_if $laid (i32.ge_u (local.get $h) (local.get $n)))
        (if (i32.and (i32.eq (i32.load (i32.add (local.get $canon) (i32.shl (local.get $h) (i32.const 2)))) (local.get $h))
                     (i32.lt_s (i32.load (i32.add (local.get $parent) (i32.shl (local.get $h) (i32.const 2)))) (i32.const 0)))
          (then
            (local.set $l (i32.load (i32.add (local.get $len) (i32.shl (local.get $h) (i32.const 2)))))
            (i32.store (i32.add (local.get $offsets) (i32.shl (local.get $h) (i32.const 2))) (local.get $size))
            (memory.copy (i32.add (local.get $table) (local.get $size)) (i32.load (i32.add (local.get $src) (i32.shl (local.get $h) (i32.const 2)))) (local.get $l))
            (i32.store8 (i32.add (local.get $table) (i32.add (local.get $size) (local.get $l))) (i32.const 0))
            (local.set $size (i32.add (local.get $size) (i32.add (local.get $l) (i32.const 1))))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $lay)))
    (local.set $h (i32.const 0))
    (block $suffixed
      (loop $suffix
        (br_if $suffixed (i32.ge_u (local.get $h) (local.get $n)))
        (local.set $p (i32.load (i32.add (local.get $parent) (i32.shl (local.get $h) (i32.const 2)))))
        (if (i32.ge_s (local.get $p) (i32.const 0))
          (then (i32.store (i32.add (local.get $offsets) (i32.shl (local.get $h) (i32.const 2))) (i32.sub (i32.add (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $p) (i32.const 2)))) (i32.load (i32.add (local.get $len) (i32.shl (local.get $p) (i32.const 2)))))
                     (i32.load (i32.add (local.get $len) (i32.shl (local.get $h) (i32.const 2))))))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $suffix)))
    (local.set $h (i32.const 0))
    (block $aliased
      (loop $alias
        (br_if $aliased (i32.ge_u (local.get $h) (local.get $n)))
        (local.set $c (i32.load (i32.add (local.get $canon) (i32.shl (local.get $h) (i32.const 2)))))
        (if (i32.ne (local.get $c) (local.get $h))
          (then (i32.store (i32.add (local.get $offsets) (i32.shl (local.get $h) (i32.const 2))) (i32.load (i32.add (local.get $offsets) (i32.shl (local.get $c) (i32.const 2)))))))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $alias)))
    (local.get $size))
)
