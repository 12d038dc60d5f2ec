;; Stable LSD radix sorts over the shared ldplay memory.
;; TypeScript twin: src/hot/sort.ts (sortUint32Twin, sortPairsByKeyTwin): tests hold the two equal.
;; Used by the kernel stages to order relocation offset lists (relocs) and table entries (sorttable).
;;
;; Memory layout: the caller passes byte offsets of its arrays; bytes [0, 8192) of the memory are
;; reserved for the 8 histograms of 256 u32 counters each (HotMemory never allocates there).
(module
  (import "env" "memory" (memory 1 65536))

  ;; Zero the histogram area: 8 tables x 256 counters x 4 bytes.
  (func $clear_histograms
    (memory.fill (i32.const 0) (i32.const 0) (i32.const 8192)))

  ;; radix_sort_u32(keys, tmp, n): sorts n u32 at `keys` ascending, in place; `tmp` is n*4 bytes.
  ;; One counting pass builds all four byte histograms; a digit whose keys all share one byte value
  ;; is skipped (common for kernel offsets, whose high byte rarely varies).
  (func (export "radix_sort_u32") (param $keys i32) (param $tmp i32) (param $n i32)
    (local $i i32) (local $k i32) (local $shift i32) (local $hist i32) (local $sum i32)
    (local $c i32) (local $src i32) (local $dst i32) (local $swap i32) (local $b i32) (local $skip i32)
    (call $clear_histograms)
    ;; count all 4 digits in one pass
    (local.set $i (i32.const 0))
    (block $done
      (loop $count
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $k (i32.load (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $shift (i32.const 0))
        (loop $digits
          (local.set $b (i32.add
            (i32.shl (i32.shr_u (local.get $shift) (i32.const 3)) (i32.const 10))
            (i32.shl (i32.and (i32.shr_u (local.get $k) (local.get $shift)) (i32.const 255)) (i32.const 2))))
          (i32.store (local.get $b) (i32.add (i32.load (local.get $b)) (i32.const 1)))
          (local.set $shift (i32.add (local.get $shift) (i32.const 8)))
          (br_if $digits (i32.lt_u (local.get $shift) (i32.const 32))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count)))
    (local.set $src (local.get $keys))
    (local.set $dst (local.get $tmp))
    (local.set $shift (i32.const 0))
    (loop $pass
      (local.set $hist (i32.shl (i32.shr_u (local.get $shift) (i32.const 3)) (i32.const 10)))
      ;; exclusive prefix sums; note whether one bucket holds every key
      (local.set $sum (i32.const 0))
      (local.set $skip (i32.const 0))
      (local.set $i (i32.const 0))
      (loop $prefix
        (local.set $b (i32.add (local.get $hist) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $c (i32.load (local.get $b)))
        (if (i32.eq (local.get $c) (local.get $n)) (then (local.set $skip (i32.const 1))))
        (i32.store (local.get $b) (local.get $sum))
        (local.set $sum (i32.add (local.get $sum) (local.get $c)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $prefix (i32.lt_u (local.get $i) (i32.const 256))))
      (if (i32.eqz (local.get $skip))
        (then
          (local.set $i (i32.const 0))
          (block $scattered
            (loop $scatter
              (br_if $scattered (i32.ge_u (local.get $i) (local.get $n)))
              (local.set $k (i32.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $b (i32.add (local.get $hist)
                (i32.shl (i32.and (i32.shr_u (local.get $k) (local.get $shift)) (i32.const 255)) (i32.const 2))))
              (local.set $c (i32.load (local.get $b)))
              (i32.store (local.get $b) (i32.add (local.get $c) (i32.const 1)))
              (i32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2))) (local.get $k))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $scatter)))
          (local.set $swap (local.get $src))
          (local.set $src (local.get $dst))
          (local.set $dst (local.get $swap))))
      (local.set $shift (i32.add (local.get $shift) (i32.const 8)))
      (br_if $pass (i32.lt_u (local.get $shift) (i32.const 32))))
    ;; an odd number of scatter passes leaves the result in tmp
    (if (i32.ne (local.get $src) (local.get $keys))
      (then (memory.copy (local.get $keys) (local.get $src) (i32.shl (local.get $n) (i32.const 2))))))

  ;; sort_pairs_by_key(keys, order, tmpKeys, tmpOrder, n): stable sort of n (u64 key, u32 payload)
  ;; pairs by key. On return `order` holds the payloads in key order and `keys` the sorted keys.
  ;; Callers pass payload = original index to get a stable permutation.
  (func (export "sort_pairs_by_key") (param $keys i32) (param $order i32) (param $tkeys i32) (param $torder i32) (param $n i32)
    (local $i i32) (local $k i64) (local $d i32) (local $hist i32) (local $sum i32) (local $c i32)
    (local $b i32) (local $skip i32) (local $sk i32) (local $so i32) (local $dk i32) (local $do i32) (local $t i32)
    (call $clear_histograms)
    (local.set $i (i32.const 0))
    (block $done
      (loop $count
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $k (i64.load (i32.add (local.get $keys) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $d (i32.const 0))
        (loop $digits
          (local.set $b (i32.add (i32.shl (local.get $d) (i32.const 10))
            (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $k) (i64.extend_i32_u (i32.shl (local.get $d) (i32.const 3)))) (i64.const 255))) (i32.const 2))))
          (i32.store (local.get $b) (i32.add (i32.load (local.get $b)) (i32.const 1)))
          (local.set $d (i32.add (local.get $d) (i32.const 1)))
          (br_if $digits (i32.lt_u (local.get $d) (i32.const 8))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count)))
    (local.set $sk (local.get $keys)) (local.set $so (local.get $order))
    (local.set $dk (local.get $tkeys)) (local.set $do (local.get $torder))
    (local.set $d (i32.const 0))
    (loop $pass
      (local.set $hist (i32.shl (local.get $d) (i32.const 10)))
      (local.set $sum (i32.const 0))
      (local.set $skip (i32.const 0))
      (local.set $i (i32.const 0))
      (loop $prefix
        (local.set $b (i32.add (local.get $hist) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $c (i32.load (local.get $b)))
        (if (i32.eq (local.get $c) (local.get $n)) (then (local.set $skip (i32.const 1))))
        (i32.store (local.get $b) (local.get $sum))
        (local.set $sum (i32.add (local.get $sum) (local.get $c)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $prefix (i32.lt_u (local.get $i) (i32.const 256))))
      (if (i32.eqz (local.get $skip))
        (then
          (local.set $i (i32.const 0))
          (block $scattered
            (loop $scatter
              (br_if $scattered (i32.ge_u (local.get $i) (local.get $n)))
              (local.set $k (i64.load (i32.add (local.get $sk) (i32.shl (local.get $i) (i32.const 3)))))
              (local.set $b (i32.add (local.get $hist)
                (i32.shl (i32.wrap_i64 (i64.and (i64.shr_u (local.get $k) (i64.extend_i32_u (i32.shl (local.get $d) (i32.const 3)))) (i64.const 255))) (i32.const 2))))
              (local.set $c (i32.load (local.get $b)))
              (i32.store (local.get $b) (i32.add (local.get $c) (i32.const 1)))
              (i64.store (i32.add (local.get $dk) (i32.shl (local.get $c) (i32.const 3))) (local.get $k))
              (i32.store (i32.add (local.get $do) (i32.shl (local.get $c) (i32.const 2)))
                (i32.load (i32.add (local.get $so) (i32.shl (local.get $i) (i32.const 2)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $scatter)))
          (local.set $t (local.get $sk)) (local.set $sk (local.get $dk)) (local.set $dk (local.get $t))
          (local.set $t (local.get $so)) (local.set $so (local.get $do)) (local.set $do (local.get $t))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $pass (i32.lt_u (local.get $d) (i32.const 8))))
    (if (i32.ne (local.get $sk) (local.get $keys))
      (then
        (memory.copy (local.get $keys) (local.get $sk) (i32.shl (local.get $n) (i32.const 3)))
        (memory.copy (local.get $order) (local.get $so) (i32.shl (local.get $n) (i32.const 2))))))
)
