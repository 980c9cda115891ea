(module
  (import "env" "memory" (memory 1))
  (func $tile_1x1 (export "tile_1x1") (param $K i32) (param $kb i32) (param $pa0 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $b0 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    local.get $pa0
    local.set $ra0
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 4
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 4
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
      end
    end
  )
  (func $tile_1x2 (export "tile_1x2") (param $K i32) (param $kb i32) (param $pa0 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c0_1 v128)
    (local $b0 v128)
    (local $b1 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c0_1
    local.get $pa0
    local.set $ra0
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pb
        v128.load offset=16
        local.set $b1
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $c0_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c0_1
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 8
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c0_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c0_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 8
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pr
          local.get $c0_1
          v128.store offset=16
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c0_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
      end
    end
  )
  (func $tile_1x3 (export "tile_1x3") (param $K i32) (param $kb i32) (param $pa0 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c0_1 v128)
    (local $c0_2 v128)
    (local $b0 v128)
    (local $b1 v128)
    (local $b2 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c0_1
    v128.const i32x4 0 0 0 0
    local.set $c0_2
    local.get $pa0
    local.set $ra0
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pb
          v128.load offset=32
          local.set $b2
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $c0_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c0_2
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pb
          v128.load offset=32
          local.set $b2
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $c0_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c0_2
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pb
        v128.load offset=16
        local.set $b1
        local.get $pb
        v128.load offset=32
        local.set $b2
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $c0_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c0_1
        local.get $c0_2
        local.get $s
        local.get $b2
        f32x4.mul
        f32x4.add
        local.set $c0_2
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 12
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c0_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pr
            local.get $c0_2
            local.get $pr
            v128.load offset=32
            f32x4.add
            v128.store offset=32
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c0_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $c0_2
          local.get $pr
          v128.load offset=32
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 8
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=32 0
          end
          local.get $nvalid
          i32.const 9
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=36 1
          end
          local.get $nvalid
          i32.const 10
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=40 2
          end
          local.get $nvalid
          i32.const 11
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=44 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 12
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pr
          local.get $c0_1
          v128.store offset=16
          local.get $pr
          local.get $c0_2
          v128.store offset=32
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c0_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $c0_2
        local.set $s
        local.get $nvalid
        i32.const 8
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=32 0
        end
        local.get $nvalid
        i32.const 9
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=36 1
        end
        local.get $nvalid
        i32.const 10
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=40 2
        end
        local.get $nvalid
        i32.const 11
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=44 3
        end
      end
    end
  )
  (func $tile_2x1 (export "tile_2x1") (param $K i32) (param $kb i32) (param $pa0 i32) (param $pa1 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $ra1 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c1_0 v128)
    (local $b0 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c1_0
    local.get $pa0
    local.set $ra0
    local.get $pa1
    local.set $ra1
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $ra1
      local.set $pa1
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pa1
        v128.load32_splat
        local.set $s
        local.get $c1_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c1_0
        local.get $pa1
        local.get $sAk
        i32.add
        local.set $pa1
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $ra1
      local.get $sAb
      i32.add
      local.set $ra1
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 4
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pc
            local.get $ldc
            i32.const 1
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c1_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $c1_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 4
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c1_0
          v128.store
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $pc
        local.get $ldc
        i32.const 1
        i32.mul
        i32.add
        local.set $pr
        local.get $c1_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
      end
    end
  )
  (func $tile_2x2 (export "tile_2x2") (param $K i32) (param $kb i32) (param $pa0 i32) (param $pa1 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $ra1 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c0_1 v128)
    (local $c1_0 v128)
    (local $c1_1 v128)
    (local $b0 v128)
    (local $b1 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c0_1
    v128.const i32x4 0 0 0 0
    local.set $c1_0
    v128.const i32x4 0 0 0 0
    local.set $c1_1
    local.get $pa0
    local.set $ra0
    local.get $pa1
    local.set $ra1
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $ra1
      local.set $pa1
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pb
        v128.load offset=16
        local.set $b1
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $c0_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c0_1
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pa1
        v128.load32_splat
        local.set $s
        local.get $c1_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c1_0
        local.get $c1_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c1_1
        local.get $pa1
        local.get $sAk
        i32.add
        local.set $pa1
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $ra1
      local.get $sAb
      i32.add
      local.set $ra1
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 8
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c0_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pc
            local.get $ldc
            i32.const 1
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c1_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c1_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c0_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $c1_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c1_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 8
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pr
          local.get $c0_1
          v128.store offset=16
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c1_0
          v128.store
          local.get $pr
          local.get $c1_1
          v128.store offset=16
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c0_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $pc
        local.get $ldc
        i32.const 1
        i32.mul
        i32.add
        local.set $pr
        local.get $c1_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c1_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
      end
    end
  )
  (func $tile_2x3 (export "tile_2x3") (param $K i32) (param $kb i32) (param $pa0 i32) (param $pa1 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $ra1 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c0_1 v128)
    (local $c0_2 v128)
    (local $c1_0 v128)
    (local $c1_1 v128)
    (local $c1_2 v128)
    (local $b0 v128)
    (local $b1 v128)
    (local $b2 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c0_1
    v128.const i32x4 0 0 0 0
    local.set $c0_2
    v128.const i32x4 0 0 0 0
    local.set $c1_0
    v128.const i32x4 0 0 0 0
    local.set $c1_1
    v128.const i32x4 0 0 0 0
    local.set $c1_2
    local.get $pa0
    local.set $ra0
    local.get $pa1
    local.set $ra1
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $ra1
      local.set $pa1
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pb
          v128.load offset=32
          local.set $b2
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $c0_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c0_2
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $c1_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c1_2
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pb
          v128.load offset=32
          local.set $b2
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $c0_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c0_2
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $c1_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c1_2
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pb
        v128.load offset=16
        local.set $b1
        local.get $pb
        v128.load offset=32
        local.set $b2
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $c0_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c0_1
        local.get $c0_2
        local.get $s
        local.get $b2
        f32x4.mul
        f32x4.add
        local.set $c0_2
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pa1
        v128.load32_splat
        local.set $s
        local.get $c1_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c1_0
        local.get $c1_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c1_1
        local.get $c1_2
        local.get $s
        local.get $b2
        f32x4.mul
        f32x4.add
        local.set $c1_2
        local.get $pa1
        local.get $sAk
        i32.add
        local.set $pa1
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $ra1
      local.get $sAb
      i32.add
      local.set $ra1
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 12
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c0_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pr
            local.get $c0_2
            local.get $pr
            v128.load offset=32
            f32x4.add
            v128.store offset=32
            local.get $pc
            local.get $ldc
            i32.const 1
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c1_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c1_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pr
            local.get $c1_2
            local.get $pr
            v128.load offset=32
            f32x4.add
            v128.store offset=32
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c0_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $c0_2
          local.get $pr
          v128.load offset=32
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 8
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=32 0
          end
          local.get $nvalid
          i32.const 9
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=36 1
          end
          local.get $nvalid
          i32.const 10
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=40 2
          end
          local.get $nvalid
          i32.const 11
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=44 3
          end
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $c1_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c1_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $c1_2
          local.get $pr
          v128.load offset=32
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 8
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=32 0
          end
          local.get $nvalid
          i32.const 9
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=36 1
          end
          local.get $nvalid
          i32.const 10
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=40 2
          end
          local.get $nvalid
          i32.const 11
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=44 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 12
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pr
          local.get $c0_1
          v128.store offset=16
          local.get $pr
          local.get $c0_2
          v128.store offset=32
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c1_0
          v128.store
          local.get $pr
          local.get $c1_1
          v128.store offset=16
          local.get $pr
          local.get $c1_2
          v128.store offset=32
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c0_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $c0_2
        local.set $s
        local.get $nvalid
        i32.const 8
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=32 0
        end
        local.get $nvalid
        i32.const 9
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=36 1
        end
        local.get $nvalid
        i32.const 10
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=40 2
        end
        local.get $nvalid
        i32.const 11
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=44 3
        end
        local.get $pc
        local.get $ldc
        i32.const 1
        i32.mul
        i32.add
        local.set $pr
        local.get $c1_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c1_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $c1_2
        local.set $s
        local.get $nvalid
        i32.const 8
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=32 0
        end
        local.get $nvalid
        i32.const 9
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=36 1
        end
        local.get $nvalid
        i32.const 10
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=40 2
        end
        local.get $nvalid
        i32.const 11
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=44 3
        end
      end
    end
  )
  (func $tile_3x1 (export "tile_3x1") (param $K i32) (param $kb i32) (param $pa0 i32) (param $pa1 i32) (param $pa2 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $ra1 i32)
    (local $ra2 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c1_0 v128)
    (local $c2_0 v128)
    (local $b0 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c1_0
    v128.const i32x4 0 0 0 0
    local.set $c2_0
    local.get $pa0
    local.set $ra0
    local.get $pa1
    local.set $ra1
    local.get $pa2
    local.set $ra2
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $ra1
      local.set $pa1
      local.get $ra2
      local.set $pa2
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pa2
          v128.load32_splat
          local.set $s
          local.get $c2_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c2_0
          local.get $pa2
          local.get $sAk
          i32.add
          local.set $pa2
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pa2
          v128.load32_splat
          local.set $s
          local.get $c2_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c2_0
          local.get $pa2
          local.get $sAk
          i32.add
          local.set $pa2
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pa1
        v128.load32_splat
        local.set $s
        local.get $c1_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c1_0
        local.get $pa1
        local.get $sAk
        i32.add
        local.set $pa1
        local.get $pa2
        v128.load32_splat
        local.set $s
        local.get $c2_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c2_0
        local.get $pa2
        local.get $sAk
        i32.add
        local.set $pa2
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $ra1
      local.get $sAb
      i32.add
      local.set $ra1
      local.get $ra2
      local.get $sAb
      i32.add
      local.set $ra2
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 4
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pc
            local.get $ldc
            i32.const 1
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c1_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pc
            local.get $ldc
            i32.const 2
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c2_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $c1_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $pc
          local.get $ldc
          i32.const 2
          i32.mul
          i32.add
          local.set $pr
          local.get $c2_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 4
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c1_0
          v128.store
          local.get $pc
          local.get $ldc
          i32.const 2
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c2_0
          v128.store
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $pc
        local.get $ldc
        i32.const 1
        i32.mul
        i32.add
        local.set $pr
        local.get $c1_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $pc
        local.get $ldc
        i32.const 2
        i32.mul
        i32.add
        local.set $pr
        local.get $c2_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
      end
    end
  )
  (func $tile_3x2 (export "tile_3x2") (param $K i32) (param $kb i32) (param $pa0 i32) (param $pa1 i32) (param $pa2 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $ra1 i32)
    (local $ra2 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c0_1 v128)
    (local $c1_0 v128)
    (local $c1_1 v128)
    (local $c2_0 v128)
    (local $c2_1 v128)
    (local $b0 v128)
    (local $b1 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c0_1
    v128.const i32x4 0 0 0 0
    local.set $c1_0
    v128.const i32x4 0 0 0 0
    local.set $c1_1
    v128.const i32x4 0 0 0 0
    local.set $c2_0
    v128.const i32x4 0 0 0 0
    local.set $c2_1
    local.get $pa0
    local.set $ra0
    local.get $pa1
    local.set $ra1
    local.get $pa2
    local.set $ra2
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $ra1
      local.set $pa1
      local.get $ra2
      local.set $pa2
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pa2
          v128.load32_splat
          local.set $s
          local.get $c2_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c2_0
          local.get $c2_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c2_1
          local.get $pa2
          local.get $sAk
          i32.add
          local.set $pa2
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pa2
          v128.load32_splat
          local.set $s
          local.get $c2_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c2_0
          local.get $c2_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c2_1
          local.get $pa2
          local.get $sAk
          i32.add
          local.set $pa2
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pb
        v128.load offset=16
        local.set $b1
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $c0_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c0_1
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pa1
        v128.load32_splat
        local.set $s
        local.get $c1_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c1_0
        local.get $c1_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c1_1
        local.get $pa1
        local.get $sAk
        i32.add
        local.set $pa1
        local.get $pa2
        v128.load32_splat
        local.set $s
        local.get $c2_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c2_0
        local.get $c2_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c2_1
        local.get $pa2
        local.get $sAk
        i32.add
        local.set $pa2
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $ra1
      local.get $sAb
      i32.add
      local.set $ra1
      local.get $ra2
      local.get $sAb
      i32.add
      local.set $ra2
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 8
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c0_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pc
            local.get $ldc
            i32.const 1
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c1_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c1_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pc
            local.get $ldc
            i32.const 2
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c2_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c2_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c0_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $c1_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c1_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $pc
          local.get $ldc
          i32.const 2
          i32.mul
          i32.add
          local.set $pr
          local.get $c2_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c2_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 8
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pr
          local.get $c0_1
          v128.store offset=16
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c1_0
          v128.store
          local.get $pr
          local.get $c1_1
          v128.store offset=16
          local.get $pc
          local.get $ldc
          i32.const 2
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c2_0
          v128.store
          local.get $pr
          local.get $c2_1
          v128.store offset=16
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c0_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $pc
        local.get $ldc
        i32.const 1
        i32.mul
        i32.add
        local.set $pr
        local.get $c1_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c1_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $pc
        local.get $ldc
        i32.const 2
        i32.mul
        i32.add
        local.set $pr
        local.get $c2_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c2_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
      end
    end
  )
  (func $tile_3x3 (export "tile_3x3") (param $K i32) (param $kb i32) (param $pa0 i32) (param $pa1 i32) (param $pa2 i32) (param $sAk i32) (param $sAb i32) (param $pb i32) (param $ldb i32) (param $sBb i32) (param $pc i32) (param $ldc i32) (param $nvalid i32) (param $acc i32)
    (local $ra0 i32)
    (local $ra1 i32)
    (local $ra2 i32)
    (local $rb i32)
    (local $k i32)
    (local $pr i32)
    (local $c0_0 v128)
    (local $c0_1 v128)
    (local $c0_2 v128)
    (local $c1_0 v128)
    (local $c1_1 v128)
    (local $c1_2 v128)
    (local $c2_0 v128)
    (local $c2_1 v128)
    (local $c2_2 v128)
    (local $b0 v128)
    (local $b1 v128)
    (local $b2 v128)
    (local $s v128)
    v128.const i32x4 0 0 0 0
    local.set $c0_0
    v128.const i32x4 0 0 0 0
    local.set $c0_1
    v128.const i32x4 0 0 0 0
    local.set $c0_2
    v128.const i32x4 0 0 0 0
    local.set $c1_0
    v128.const i32x4 0 0 0 0
    local.set $c1_1
    v128.const i32x4 0 0 0 0
    local.set $c1_2
    v128.const i32x4 0 0 0 0
    local.set $c2_0
    v128.const i32x4 0 0 0 0
    local.set $c2_1
    v128.const i32x4 0 0 0 0
    local.set $c2_2
    local.get $pa0
    local.set $ra0
    local.get $pa1
    local.set $ra1
    local.get $pa2
    local.set $ra2
    local.get $pb
    local.set $rb
    loop $batch
      local.get $ra0
      local.set $pa0
      local.get $ra1
      local.set $pa1
      local.get $ra2
      local.set $pa2
      local.get $rb
      local.set $pb
      local.get $K
      local.set $k
      block $k2done
        local.get $k
        i32.const 2
        i32.lt_s
        br_if $k2done
        loop $k2
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pb
          v128.load offset=32
          local.set $b2
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $c0_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c0_2
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $c1_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c1_2
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pa2
          v128.load32_splat
          local.set $s
          local.get $c2_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c2_0
          local.get $c2_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c2_1
          local.get $c2_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c2_2
          local.get $pa2
          local.get $sAk
          i32.add
          local.set $pa2
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $pb
          v128.load
          local.set $b0
          local.get $pb
          v128.load offset=16
          local.set $b1
          local.get $pb
          v128.load offset=32
          local.set $b2
          local.get $pa0
          v128.load32_splat
          local.set $s
          local.get $c0_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c0_0
          local.get $c0_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c0_1
          local.get $c0_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c0_2
          local.get $pa0
          local.get $sAk
          i32.add
          local.set $pa0
          local.get $pa1
          v128.load32_splat
          local.set $s
          local.get $c1_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c1_0
          local.get $c1_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c1_1
          local.get $c1_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c1_2
          local.get $pa1
          local.get $sAk
          i32.add
          local.set $pa1
          local.get $pa2
          v128.load32_splat
          local.set $s
          local.get $c2_0
          local.get $s
          local.get $b0
          f32x4.mul
          f32x4.add
          local.set $c2_0
          local.get $c2_1
          local.get $s
          local.get $b1
          f32x4.mul
          f32x4.add
          local.set $c2_1
          local.get $c2_2
          local.get $s
          local.get $b2
          f32x4.mul
          f32x4.add
          local.set $c2_2
          local.get $pa2
          local.get $sAk
          i32.add
          local.set $pa2
          local.get $pb
          local.get $ldb
          i32.add
          local.set $pb
          local.get $k
          i32.const 2
          i32.sub
          local.tee $k
          i32.const 2
          i32.ge_s
          br_if $k2
        end
      end
      local.get $k
      if $k1
        local.get $pb
        v128.load
        local.set $b0
        local.get $pb
        v128.load offset=16
        local.set $b1
        local.get $pb
        v128.load offset=32
        local.set $b2
        local.get $pa0
        v128.load32_splat
        local.set $s
        local.get $c0_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c0_0
        local.get $c0_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c0_1
        local.get $c0_2
        local.get $s
        local.get $b2
        f32x4.mul
        f32x4.add
        local.set $c0_2
        local.get $pa0
        local.get $sAk
        i32.add
        local.set $pa0
        local.get $pa1
        v128.load32_splat
        local.set $s
        local.get $c1_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c1_0
        local.get $c1_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c1_1
        local.get $c1_2
        local.get $s
        local.get $b2
        f32x4.mul
        f32x4.add
        local.set $c1_2
        local.get $pa1
        local.get $sAk
        i32.add
        local.set $pa1
        local.get $pa2
        v128.load32_splat
        local.set $s
        local.get $c2_0
        local.get $s
        local.get $b0
        f32x4.mul
        f32x4.add
        local.set $c2_0
        local.get $c2_1
        local.get $s
        local.get $b1
        f32x4.mul
        f32x4.add
        local.set $c2_1
        local.get $c2_2
        local.get $s
        local.get $b2
        f32x4.mul
        f32x4.add
        local.set $c2_2
        local.get $pa2
        local.get $sAk
        i32.add
        local.set $pa2
        local.get $pb
        local.get $ldb
        i32.add
        local.set $pb
      end
      local.get $ra0
      local.get $sAb
      i32.add
      local.set $ra0
      local.get $ra1
      local.get $sAb
      i32.add
      local.set $ra1
      local.get $ra2
      local.get $sAb
      i32.add
      local.set $ra2
      local.get $rb
      local.get $sBb
      i32.add
      local.set $rb
      local.get $kb
      i32.const 1
      i32.sub
      local.tee $kb
      i32.const 0
      i32.gt_s
      br_if $batch
    end
    block $done
      local.get $acc
      if $accumulate
        block $stored_acc
          local.get $nvalid
          i32.const 12
          i32.eq
          if $full
            local.get $pc
            local.get $ldc
            i32.const 0
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c0_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c0_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pr
            local.get $c0_2
            local.get $pr
            v128.load offset=32
            f32x4.add
            v128.store offset=32
            local.get $pc
            local.get $ldc
            i32.const 1
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c1_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c1_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pr
            local.get $c1_2
            local.get $pr
            v128.load offset=32
            f32x4.add
            v128.store offset=32
            local.get $pc
            local.get $ldc
            i32.const 2
            i32.mul
            i32.add
            local.set $pr
            local.get $pr
            local.get $c2_0
            local.get $pr
            v128.load
            f32x4.add
            v128.store
            local.get $pr
            local.get $c2_1
            local.get $pr
            v128.load offset=16
            f32x4.add
            v128.store offset=16
            local.get $pr
            local.get $c2_2
            local.get $pr
            v128.load offset=32
            f32x4.add
            v128.store offset=32
            br $stored_acc
          end
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $c0_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c0_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $c0_2
          local.get $pr
          v128.load offset=32
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 8
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=32 0
          end
          local.get $nvalid
          i32.const 9
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=36 1
          end
          local.get $nvalid
          i32.const 10
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=40 2
          end
          local.get $nvalid
          i32.const 11
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=44 3
          end
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $c1_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c1_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $c1_2
          local.get $pr
          v128.load offset=32
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 8
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=32 0
          end
          local.get $nvalid
          i32.const 9
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=36 1
          end
          local.get $nvalid
          i32.const 10
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=40 2
          end
          local.get $nvalid
          i32.const 11
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=44 3
          end
          local.get $pc
          local.get $ldc
          i32.const 2
          i32.mul
          i32.add
          local.set $pr
          local.get $c2_0
          local.get $pr
          v128.load
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 0
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane 0
          end
          local.get $nvalid
          i32.const 1
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=4 1
          end
          local.get $nvalid
          i32.const 2
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=8 2
          end
          local.get $nvalid
          i32.const 3
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=12 3
          end
          local.get $c2_1
          local.get $pr
          v128.load offset=16
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 4
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=16 0
          end
          local.get $nvalid
          i32.const 5
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=20 1
          end
          local.get $nvalid
          i32.const 6
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=24 2
          end
          local.get $nvalid
          i32.const 7
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=28 3
          end
          local.get $c2_2
          local.get $pr
          v128.load offset=32
          f32x4.add
          local.set $s
          local.get $nvalid
          i32.const 8
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=32 0
          end
          local.get $nvalid
          i32.const 9
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=36 1
          end
          local.get $nvalid
          i32.const 10
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=40 2
          end
          local.get $nvalid
          i32.const 11
          i32.gt_s
          if $lane
            local.get $pr
            local.get $s
            v128.store32_lane offset=44 3
          end
        end
        br $done
      end
      block $stored
        local.get $nvalid
        i32.const 12
        i32.eq
        if $full
          local.get $pc
          local.get $ldc
          i32.const 0
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c0_0
          v128.store
          local.get $pr
          local.get $c0_1
          v128.store offset=16
          local.get $pr
          local.get $c0_2
          v128.store offset=32
          local.get $pc
          local.get $ldc
          i32.const 1
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c1_0
          v128.store
          local.get $pr
          local.get $c1_1
          v128.store offset=16
          local.get $pr
          local.get $c1_2
          v128.store offset=32
          local.get $pc
          local.get $ldc
          i32.const 2
          i32.mul
          i32.add
          local.set $pr
          local.get $pr
          local.get $c2_0
          v128.store
          local.get $pr
          local.get $c2_1
          v128.store offset=16
          local.get $pr
          local.get $c2_2
          v128.store offset=32
          br $stored
        end
        local.get $pc
        local.get $ldc
        i32.const 0
        i32.mul
        i32.add
        local.set $pr
        local.get $c0_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c0_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $c0_2
        local.set $s
        local.get $nvalid
        i32.const 8
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=32 0
        end
        local.get $nvalid
        i32.const 9
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=36 1
        end
        local.get $nvalid
        i32.const 10
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=40 2
        end
        local.get $nvalid
        i32.const 11
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=44 3
        end
        local.get $pc
        local.get $ldc
        i32.const 1
        i32.mul
        i32.add
        local.set $pr
        local.get $c1_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c1_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $c1_2
        local.set $s
        local.get $nvalid
        i32.const 8
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=32 0
        end
        local.get $nvalid
        i32.const 9
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=36 1
        end
        local.get $nvalid
        i32.const 10
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=40 2
        end
        local.get $nvalid
        i32.const 11
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=44 3
        end
        local.get $pc
        local.get $ldc
        i32.const 2
        i32.mul
        i32.add
        local.set $pr
        local.get $c2_0
        local.set $s
        local.get $nvalid
        i32.const 0
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane 0
        end
        local.get $nvalid
        i32.const 1
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=4 1
        end
        local.get $nvalid
        i32.const 2
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=8 2
        end
        local.get $nvalid
        i32.const 3
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=12 3
        end
        local.get $c2_1
        local.set $s
        local.get $nvalid
        i32.const 4
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=16 0
        end
        local.get $nvalid
        i32.const 5
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=20 1
        end
        local.get $nvalid
        i32.const 6
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=24 2
        end
        local.get $nvalid
        i32.const 7
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=28 3
        end
        local.get $c2_2
        local.set $s
        local.get $nvalid
        i32.const 8
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=32 0
        end
        local.get $nvalid
        i32.const 9
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=36 1
        end
        local.get $nvalid
        i32.const 10
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=40 2
        end
        local.get $nvalid
        i32.const 11
        i32.gt_s
        if $lane
          local.get $pr
          local.get $s
          v128.store32_lane offset=44 3
        end
      end
    end
  )
  (func $gemm (export "gemm") (param $M i32) (param $N i32) (param $K i32) (param $batch i32) (param $a i32) (param $sAm i32) (param $sAk i32) (param $sAb i32) (param $b i32) (param $ldb i32) (param $sBp i32) (param $sBb i32) (param $c i32) (param $ldc i32) (param $sCb i32) (param $flags i32)
    (local $acc i32)
    (local $outer i32)
    (local $kb i32)
    (local $ob i32)
    (local $ao i32)
    (local $bo i32)
    (local $co i32)
    (local $n0 i32)
    (local $nvalid i32)
    (local $nvec i32)
    (local $m0 i32)
    (local $pb i32)
    (local $pcol i32)
    local.get $flags
    i32.const 1
    i32.and
    local.set $acc
    local.get $flags
    i32.const 2
    i32.and
    if $sum
      i32.const 1
      local.set $outer
      local.get $batch
      local.set $kb
    end
    local.get $flags
    i32.const 2
    i32.and
    i32.eqz
    if $each
      local.get $batch
      local.set $outer
      i32.const 1
      local.set $kb
    end
    block $end
      local.get $M
      i32.const 1
      i32.lt_s
      local.get $N
      i32.const 1
      i32.lt_s
      i32.or
      local.get $outer
      i32.const 1
      i32.lt_s
      i32.or
      br_if $end
      i32.const 0
      local.set $ob
      loop $outer
        local.get $a
        local.get $ob
        local.get $sAb
        i32.mul
        i32.add
        local.set $ao
        local.get $b
        local.get $ob
        local.get $sBb
        i32.mul
        i32.add
        local.set $bo
        local.get $c
        local.get $ob
        local.get $sCb
        i32.mul
        i32.add
        local.set $co
        i32.const 0
        local.set $n0
        loop $panel
          local.get $N
          local.get $n0
          i32.sub
          local.set $nvalid
          local.get $nvalid
          i32.const 12
          i32.gt_s
          if $clamp
            i32.const 12
            local.set $nvalid
          end
          local.get $nvalid
          i32.const 3
          i32.add
          i32.const 2
          i32.shr_u
          local.set $nvec
          local.get $bo
          local.get $n0
          i32.const 12
          i32.div_u
          local.get $sBp
          i32.mul
          i32.add
          local.set $pb
          local.get $co
          local.get $n0
          i32.const 4
          i32.mul
          i32.add
          local.set $pcol
          local.get $nvec
          i32.const 1
          i32.eq
          if $nv1
            i32.const 0
            local.set $m0
            block $blocks
              loop $block
                local.get $m0
                i32.const 3
                i32.add
                local.get $M
                i32.gt_s
                br_if $blocks
                local.get $K
                local.get $kb
                local.get $ao
                local.get $m0
                i32.const 0
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $ao
                local.get $m0
                i32.const 1
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $ao
                local.get $m0
                i32.const 2
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $sAk
                local.get $sAb
                local.get $pb
                local.get $ldb
                local.get $sBb
                local.get $pcol
                local.get $m0
                local.get $ldc
                i32.mul
                i32.add
                local.get $ldc
                local.get $nvalid
                local.get $acc
                call $tile_3x1
                local.get $m0
                i32.const 3
                i32.add
                local.set $m0
                br $block
              end
            end
            local.get $M
            local.get $m0
            i32.sub
            i32.const 1
            i32.eq
            if $rem1
              local.get $K
              local.get $kb
              local.get $ao
              local.get $m0
              i32.const 0
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $sAk
              local.get $sAb
              local.get $pb
              local.get $ldb
              local.get $sBb
              local.get $pcol
              local.get $m0
              local.get $ldc
              i32.mul
              i32.add
              local.get $ldc
              local.get $nvalid
              local.get $acc
              call $tile_1x1
            end
            local.get $M
            local.get $m0
            i32.sub
            i32.const 2
            i32.eq
            if $rem2
              local.get $K
              local.get $kb
              local.get $ao
              local.get $m0
              i32.const 0
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $ao
              local.get $m0
              i32.const 1
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $sAk
              local.get $sAb
              local.get $pb
              local.get $ldb
              local.get $sBb
              local.get $pcol
              local.get $m0
              local.get $ldc
              i32.mul
              i32.add
              local.get $ldc
              local.get $nvalid
              local.get $acc
              call $tile_2x1
            end
          end
          local.get $nvec
          i32.const 2
          i32.eq
          if $nv2
            i32.const 0
            local.set $m0
            block $blocks
              loop $block
                local.get $m0
                i32.const 3
                i32.add
                local.get $M
                i32.gt_s
                br_if $blocks
                local.get $K
                local.get $kb
                local.get $ao
                local.get $m0
                i32.const 0
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $ao
                local.get $m0
                i32.const 1
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $ao
                local.get $m0
                i32.const 2
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $sAk
                local.get $sAb
                local.get $pb
                local.get $ldb
                local.get $sBb
                local.get $pcol
                local.get $m0
                local.get $ldc
                i32.mul
                i32.add
                local.get $ldc
                local.get $nvalid
                local.get $acc
                call $tile_3x2
                local.get $m0
                i32.const 3
                i32.add
                local.set $m0
                br $block
              end
            end
            local.get $M
            local.get $m0
            i32.sub
            i32.const 1
            i32.eq
            if $rem1
              local.get $K
              local.get $kb
              local.get $ao
              local.get $m0
              i32.const 0
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $sAk
              local.get $sAb
              local.get $pb
              local.get $ldb
              local.get $sBb
              local.get $pcol
              local.get $m0
              local.get $ldc
              i32.mul
              i32.add
              local.get $ldc
              local.get $nvalid
              local.get $acc
              call $tile_1x2
            end
            local.get $M
            local.get $m0
            i32.sub
            i32.const 2
            i32.eq
            if $rem2
              local.get $K
              local.get $kb
              local.get $ao
              local.get $m0
              i32.const 0
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $ao
              local.get $m0
              i32.const 1
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $sAk
              local.get $sAb
              local.get $pb
              local.get $ldb
              local.get $sBb
              local.get $pcol
              local.get $m0
              local.get $ldc
              i32.mul
              i32.add
              local.get $ldc
              local.get $nvalid
              local.get $acc
              call $tile_2x2
            end
          end
          local.get $nvec
          i32.const 3
          i32.eq
          if $nv3
            i32.const 0
            local.set $m0
            block $blocks
              loop $block
                local.get $m0
                i32.const 3
                i32.add
                local.get $M
                i32.gt_s
                br_if $blocks
                local.get $K
                local.get $kb
                local.get $ao
                local.get $m0
                i32.const 0
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $ao
                local.get $m0
                i32.const 1
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $ao
                local.get $m0
                i32.const 2
                i32.add
                local.get $sAm
                i32.mul
                i32.add
                local.get $sAk
                local.get $sAb
                local.get $pb
                local.get $ldb
                local.get $sBb
                local.get $pcol
                local.get $m0
                local.get $ldc
                i32.mul
                i32.add
                local.get $ldc
                local.get $nvalid
                local.get $acc
                call $tile_3x3
                local.get $m0
                i32.const 3
                i32.add
                local.set $m0
                br $block
              end
            end
            local.get $M
            local.get $m0
            i32.sub
            i32.const 1
            i32.eq
            if $rem1
              local.get $K
              local.get $kb
              local.get $ao
              local.get $m0
              i32.const 0
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $sAk
              local.get $sAb
              local.get $pb
              local.get $ldb
              local.get $sBb
              local.get $pcol
              local.get $m0
              local.get $ldc
              i32.mul
              i32.add
              local.get $ldc
              local.get $nvalid
              local.get $acc
              call $tile_1x3
            end
            local.get $M
            local.get $m0
            i32.sub
            i32.const 2
            i32.eq
            if $rem2
              local.get $K
              local.get $kb
              local.get $ao
              local.get $m0
              i32.const 0
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $ao
              local.get $m0
              i32.const 1
              i32.add
              local.get $sAm
              i32.mul
              i32.add
              local.get $sAk
              local.get $sAb
              local.get $pb
              local.get $ldb
              local.get $sBb
              local.get $pcol
              local.get $m0
              local.get $ldc
              i32.mul
              i32.add
              local.get $ldc
              local.get $nvalid
              local.get $acc
              call $tile_2x3
            end
          end
          local.get $n0
          i32.const 12
          i32.add
          local.tee $n0
          local.get $N
          i32.lt_s
          br_if $panel
        end
        local.get $ob
        i32.const 1
        i32.add
        local.tee $ob
        local.get $outer
        i32.lt_s
        br_if $outer
      end
    end
  )
  (func $pad11 (export "pad11") (param $x i32) (param $cin i32) (param $xp i32)
    (local $i i32)
    (local $src i32)
    (local $dst i32)
    (local $z i32)
    block $end
      local.get $cin
      i32.const 1
      i32.lt_s
      br_if $end
      i32.const 0
      local.set $i
      loop $chan
        local.get $x
        local.get $i
        i32.const 324
        i32.mul
        i32.add
        local.set $src
        local.get $xp
        local.get $i
        i32.const 484
        i32.mul
        i32.add
        local.set $dst
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=16
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=32
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=48
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=64
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=80
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=96
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=112
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=128
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=144
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=160
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=176
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=192
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=208
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=224
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=240
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=256
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=272
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=288
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=304
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=320
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=336
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=352
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=368
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=384
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=400
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=416
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=432
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=448
        local.get $dst
        v128.const i32x4 0 0 0 0
        v128.store offset=464
        local.get $dst
        f32.const 0
        f32.store offset=480
        local.get $dst
        local.get $src
        v128.load
        v128.store offset=48
        local.get $dst
        local.get $src
        v128.load offset=16
        v128.store offset=64
        local.get $dst
        local.get $src
        f32.load offset=32
        f32.store offset=80
        local.get $dst
        local.get $src
        v128.load offset=36
        v128.store offset=92
        local.get $dst
        local.get $src
        v128.load offset=52
        v128.store offset=108
        local.get $dst
        local.get $src
        f32.load offset=68
        f32.store offset=124
        local.get $dst
        local.get $src
        v128.load offset=72
        v128.store offset=136
        local.get $dst
        local.get $src
        v128.load offset=88
        v128.store offset=152
        local.get $dst
        local.get $src
        f32.load offset=104
        f32.store offset=168
        local.get $dst
        local.get $src
        v128.load offset=108
        v128.store offset=180
        local.get $dst
        local.get $src
        v128.load offset=124
        v128.store offset=196
        local.get $dst
        local.get $src
        f32.load offset=140
        f32.store offset=212
        local.get $dst
        local.get $src
        v128.load offset=144
        v128.store offset=224
        local.get $dst
        local.get $src
        v128.load offset=160
        v128.store offset=240
        local.get $dst
        local.get $src
        f32.load offset=176
        f32.store offset=256
        local.get $dst
        local.get $src
        v128.load offset=180
        v128.store offset=268
        local.get $dst
        local.get $src
        v128.load offset=196
        v128.store offset=284
        local.get $dst
        local.get $src
        f32.load offset=212
        f32.store offset=300
        local.get $dst
        local.get $src
        v128.load offset=216
        v128.store offset=312
        local.get $dst
        local.get $src
        v128.load offset=232
        v128.store offset=328
        local.get $dst
        local.get $src
        f32.load offset=248
        f32.store offset=344
        local.get $dst
        local.get $src
        v128.load offset=252
        v128.store offset=356
        local.get $dst
        local.get $src
        v128.load offset=268
        v128.store offset=372
        local.get $dst
        local.get $src
        f32.load offset=284
        f32.store offset=388
        local.get $dst
        local.get $src
        v128.load offset=288
        v128.store offset=400
        local.get $dst
        local.get $src
        v128.load offset=304
        v128.store offset=416
        local.get $dst
        local.get $src
        f32.load offset=320
        f32.store offset=432
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $cin
        i32.lt_s
        br_if $chan
      end
    end
  )
  (func $im2col_tap (export "im2col_tap") (param $xp i32) (param $cin i32) (param $out i32)
    (local $i i32)
    (local $src i32)
    (local $dst i32)
    block $end
      local.get $cin
      i32.const 1
      i32.lt_s
      br_if $end
      i32.const 0
      local.set $i
      local.get $out
      local.set $dst
      loop $chan
        local.get $xp
        local.get $i
        i32.const 484
        i32.mul
        i32.add
        local.set $src
        local.get $dst
        local.get $src
        v128.load
        v128.store
        local.get $dst
        local.get $src
        v128.load offset=16
        v128.store offset=16
        local.get $dst
        local.get $src
        v128.load offset=32
        v128.store offset=32
        local.get $dst
        local.get $src
        v128.load offset=44
        v128.store offset=36
        local.get $dst
        local.get $src
        v128.load offset=60
        v128.store offset=52
        local.get $dst
        local.get $src
        v128.load offset=76
        v128.store offset=68
        local.get $dst
        local.get $src
        v128.load offset=88
        v128.store offset=72
        local.get $dst
        local.get $src
        v128.load offset=104
        v128.store offset=88
        local.get $dst
        local.get $src
        v128.load offset=120
        v128.store offset=104
        local.get $dst
        local.get $src
        v128.load offset=132
        v128.store offset=108
        local.get $dst
        local.get $src
        v128.load offset=148
        v128.store offset=124
        local.get $dst
        local.get $src
        v128.load offset=164
        v128.store offset=140
        local.get $dst
        local.get $src
        v128.load offset=176
        v128.store offset=144
        local.get $dst
        local.get $src
        v128.load offset=192
        v128.store offset=160
        local.get $dst
        local.get $src
        v128.load offset=208
        v128.store offset=176
        local.get $dst
        local.get $src
        v128.load offset=220
        v128.store offset=180
        local.get $dst
        local.get $src
        v128.load offset=236
        v128.store offset=196
        local.get $dst
        local.get $src
        v128.load offset=252
        v128.store offset=212
        local.get $dst
        local.get $src
        v128.load offset=264
        v128.store offset=216
        local.get $dst
        local.get $src
        v128.load offset=280
        v128.store offset=232
        local.get $dst
        local.get $src
        v128.load offset=296
        v128.store offset=248
        local.get $dst
        local.get $src
        v128.load offset=308
        v128.store offset=252
        local.get $dst
        local.get $src
        v128.load offset=324
        v128.store offset=268
        local.get $dst
        local.get $src
        v128.load offset=340
        v128.store offset=284
        local.get $dst
        local.get $src
        v128.load offset=352
        v128.store offset=288
        local.get $dst
        local.get $src
        v128.load offset=368
        v128.store offset=304
        local.get $dst
        local.get $src
        v128.load offset=384
        v128.store offset=320
        local.get $dst
        local.get $src
        v128.load offset=4
        v128.store offset=336
        local.get $dst
        local.get $src
        v128.load offset=20
        v128.store offset=352
        local.get $dst
        local.get $src
        v128.load offset=36
        v128.store offset=368
        local.get $dst
        local.get $src
        v128.load offset=48
        v128.store offset=372
        local.get $dst
        local.get $src
        v128.load offset=64
        v128.store offset=388
        local.get $dst
        local.get $src
        v128.load offset=80
        v128.store offset=404
        local.get $dst
        local.get $src
        v128.load offset=92
        v128.store offset=408
        local.get $dst
        local.get $src
        v128.load offset=108
        v128.store offset=424
        local.get $dst
        local.get $src
        v128.load offset=124
        v128.store offset=440
        local.get $dst
        local.get $src
        v128.load offset=136
        v128.store offset=444
        local.get $dst
        local.get $src
        v128.load offset=152
        v128.store offset=460
        local.get $dst
        local.get $src
        v128.load offset=168
        v128.store offset=476
        local.get $dst
        local.get $src
        v128.load offset=180
        v128.store offset=480
        local.get $dst
        local.get $src
        v128.load offset=196
        v128.store offset=496
        local.get $dst
        local.get $src
        v128.load offset=212
        v128.store offset=512
        local.get $dst
        local.get $src
        v128.load offset=224
        v128.store offset=516
        local.get $dst
        local.get $src
        v128.load offset=240
        v128.store offset=532
        local.get $dst
        local.get $src
        v128.load offset=256
        v128.store offset=548
        local.get $dst
        local.get $src
        v128.load offset=268
        v128.store offset=552
        local.get $dst
        local.get $src
        v128.load offset=284
        v128.store offset=568
        local.get $dst
        local.get $src
        v128.load offset=300
        v128.store offset=584
        local.get $dst
        local.get $src
        v128.load offset=312
        v128.store offset=588
        local.get $dst
        local.get $src
        v128.load offset=328
        v128.store offset=604
        local.get $dst
        local.get $src
        v128.load offset=344
        v128.store offset=620
        local.get $dst
        local.get $src
        v128.load offset=356
        v128.store offset=624
        local.get $dst
        local.get $src
        v128.load offset=372
        v128.store offset=640
        local.get $dst
        local.get $src
        v128.load offset=388
        v128.store offset=656
        local.get $dst
        local.get $src
        v128.load offset=8
        v128.store offset=672
        local.get $dst
        local.get $src
        v128.load offset=24
        v128.store offset=688
        local.get $dst
        local.get $src
        v128.load offset=40
        v128.store offset=704
        local.get $dst
        local.get $src
        v128.load offset=52
        v128.store offset=708
        local.get $dst
        local.get $src
        v128.load offset=68
        v128.store offset=724
        local.get $dst
        local.get $src
        v128.load offset=84
        v128.store offset=740
        local.get $dst
        local.get $src
        v128.load offset=96
        v128.store offset=744
        local.get $dst
        local.get $src
        v128.load offset=112
        v128.store offset=760
        local.get $dst
        local.get $src
        v128.load offset=128
        v128.store offset=776
        local.get $dst
        local.get $src
        v128.load offset=140
        v128.store offset=780
        local.get $dst
        local.get $src
        v128.load offset=156
        v128.store offset=796
        local.get $dst
        local.get $src
        v128.load offset=172
        v128.store offset=812
        local.get $dst
        local.get $src
        v128.load offset=184
        v128.store offset=816
        local.get $dst
        local.get $src
        v128.load offset=200
        v128.store offset=832
        local.get $dst
        local.get $src
        v128.load offset=216
        v128.store offset=848
        local.get $dst
        local.get $src
        v128.load offset=228
        v128.store offset=852
        local.get $dst
        local.get $src
        v128.load offset=244
        v128.store offset=868
        local.get $dst
        local.get $src
        v128.load offset=260
        v128.store offset=884
        local.get $dst
        local.get $src
        v128.load offset=272
        v128.store offset=888
        local.get $dst
        local.get $src
        v128.load offset=288
        v128.store offset=904
        local.get $dst
        local.get $src
        v128.load offset=304
        v128.store offset=920
        local.get $dst
        local.get $src
        v128.load offset=316
        v128.store offset=924
        local.get $dst
        local.get $src
        v128.load offset=332
        v128.store offset=940
        local.get $dst
        local.get $src
        v128.load offset=348
        v128.store offset=956
        local.get $dst
        local.get $src
        v128.load offset=360
        v128.store offset=960
        local.get $dst
        local.get $src
        v128.load offset=376
        v128.store offset=976
        local.get $dst
        local.get $src
        v128.load offset=392
        v128.store offset=992
        local.get $dst
        local.get $src
        v128.load offset=44
        v128.store offset=1008
        local.get $dst
        local.get $src
        v128.load offset=60
        v128.store offset=1024
        local.get $dst
        local.get $src
        v128.load offset=76
        v128.store offset=1040
        local.get $dst
        local.get $src
        v128.load offset=88
        v128.store offset=1044
        local.get $dst
        local.get $src
        v128.load offset=104
        v128.store offset=1060
        local.get $dst
        local.get $src
        v128.load offset=120
        v128.store offset=1076
        local.get $dst
        local.get $src
        v128.load offset=132
        v128.store offset=1080
        local.get $dst
        local.get $src
        v128.load offset=148
        v128.store offset=1096
        local.get $dst
        local.get $src
        v128.load offset=164
        v128.store offset=1112
        local.get $dst
        local.get $src
        v128.load offset=176
        v128.store offset=1116
        local.get $dst
        local.get $src
        v128.load offset=192
        v128.store offset=1132
        local.get $dst
        local.get $src
        v128.load offset=208
        v128.store offset=1148
        local.get $dst
        local.get $src
        v128.load offset=220
        v128.store offset=1152
        local.get $dst
        local.get $src
        v128.load offset=236
        v128.store offset=1168
        local.get $dst
        local.get $src
        v128.load offset=252
        v128.store offset=1184
        local.get $dst
        local.get $src
        v128.load offset=264
        v128.store offset=1188
        local.get $dst
        local.get $src
        v128.load offset=280
        v128.store offset=1204
        local.get $dst
        local.get $src
        v128.load offset=296
        v128.store offset=1220
        local.get $dst
        local.get $src
        v128.load offset=308
        v128.store offset=1224
        local.get $dst
        local.get $src
        v128.load offset=324
        v128.store offset=1240
        local.get $dst
        local.get $src
        v128.load offset=340
        v128.store offset=1256
        local.get $dst
        local.get $src
        v128.load offset=352
        v128.store offset=1260
        local.get $dst
        local.get $src
        v128.load offset=368
        v128.store offset=1276
        local.get $dst
        local.get $src
        v128.load offset=384
        v128.store offset=1292
        local.get $dst
        local.get $src
        v128.load offset=396
        v128.store offset=1296
        local.get $dst
        local.get $src
        v128.load offset=412
        v128.store offset=1312
        local.get $dst
        local.get $src
        v128.load offset=428
        v128.store offset=1328
        local.get $dst
        local.get $src
        v128.load offset=48
        v128.store offset=1344
        local.get $dst
        local.get $src
        v128.load offset=64
        v128.store offset=1360
        local.get $dst
        local.get $src
        v128.load offset=80
        v128.store offset=1376
        local.get $dst
        local.get $src
        v128.load offset=92
        v128.store offset=1380
        local.get $dst
        local.get $src
        v128.load offset=108
        v128.store offset=1396
        local.get $dst
        local.get $src
        v128.load offset=124
        v128.store offset=1412
        local.get $dst
        local.get $src
        v128.load offset=136
        v128.store offset=1416
        local.get $dst
        local.get $src
        v128.load offset=152
        v128.store offset=1432
        local.get $dst
        local.get $src
        v128.load offset=168
        v128.store offset=1448
        local.get $dst
        local.get $src
        v128.load offset=180
        v128.store offset=1452
        local.get $dst
        local.get $src
        v128.load offset=196
        v128.store offset=1468
        local.get $dst
        local.get $src
        v128.load offset=212
        v128.store offset=1484
        local.get $dst
        local.get $src
        v128.load offset=224
        v128.store offset=1488
        local.get $dst
        local.get $src
        v128.load offset=240
        v128.store offset=1504
        local.get $dst
        local.get $src
        v128.load offset=256
        v128.store offset=1520
        local.get $dst
        local.get $src
        v128.load offset=268
        v128.store offset=1524
        local.get $dst
        local.get $src
        v128.load offset=284
        v128.store offset=1540
        local.get $dst
        local.get $src
        v128.load offset=300
        v128.store offset=1556
        local.get $dst
        local.get $src
        v128.load offset=312
        v128.store offset=1560
        local.get $dst
        local.get $src
        v128.load offset=328
        v128.store offset=1576
        local.get $dst
        local.get $src
        v128.load offset=344
        v128.store offset=1592
        local.get $dst
        local.get $src
        v128.load offset=356
        v128.store offset=1596
        local.get $dst
        local.get $src
        v128.load offset=372
        v128.store offset=1612
        local.get $dst
        local.get $src
        v128.load offset=388
        v128.store offset=1628
        local.get $dst
        local.get $src
        v128.load offset=400
        v128.store offset=1632
        local.get $dst
        local.get $src
        v128.load offset=416
        v128.store offset=1648
        local.get $dst
        local.get $src
        v128.load offset=432
        v128.store offset=1664
        local.get $dst
        local.get $src
        v128.load offset=52
        v128.store offset=1680
        local.get $dst
        local.get $src
        v128.load offset=68
        v128.store offset=1696
        local.get $dst
        local.get $src
        v128.load offset=84
        v128.store offset=1712
        local.get $dst
        local.get $src
        v128.load offset=96
        v128.store offset=1716
        local.get $dst
        local.get $src
        v128.load offset=112
        v128.store offset=1732
        local.get $dst
        local.get $src
        v128.load offset=128
        v128.store offset=1748
        local.get $dst
        local.get $src
        v128.load offset=140
        v128.store offset=1752
        local.get $dst
        local.get $src
        v128.load offset=156
        v128.store offset=1768
        local.get $dst
        local.get $src
        v128.load offset=172
        v128.store offset=1784
        local.get $dst
        local.get $src
        v128.load offset=184
        v128.store offset=1788
        local.get $dst
        local.get $src
        v128.load offset=200
        v128.store offset=1804
        local.get $dst
        local.get $src
        v128.load offset=216
        v128.store offset=1820
        local.get $dst
        local.get $src
        v128.load offset=228
        v128.store offset=1824
        local.get $dst
        local.get $src
        v128.load offset=244
        v128.store offset=1840
        local.get $dst
        local.get $src
        v128.load offset=260
        v128.store offset=1856
        local.get $dst
        local.get $src
        v128.load offset=272
        v128.store offset=1860
        local.get $dst
        local.get $src
        v128.load offset=288
        v128.store offset=1876
        local.get $dst
        local.get $src
        v128.load offset=304
        v128.store offset=1892
        local.get $dst
        local.get $src
        v128.load offset=316
        v128.store offset=1896
        local.get $dst
        local.get $src
        v128.load offset=332
        v128.store offset=1912
        local.get $dst
        local.get $src
        v128.load offset=348
        v128.store offset=1928
        local.get $dst
        local.get $src
        v128.load offset=360
        v128.store offset=1932
        local.get $dst
        local.get $src
        v128.load offset=376
        v128.store offset=1948
        local.get $dst
        local.get $src
        v128.load offset=392
        v128.store offset=1964
        local.get $dst
        local.get $src
        v128.load offset=404
        v128.store offset=1968
        local.get $dst
        local.get $src
        v128.load offset=420
        v128.store offset=1984
        local.get $dst
        local.get $src
        v128.load offset=436
        v128.store offset=2000
        local.get $dst
        local.get $src
        v128.load offset=88
        v128.store offset=2016
        local.get $dst
        local.get $src
        v128.load offset=104
        v128.store offset=2032
        local.get $dst
        local.get $src
        v128.load offset=120
        v128.store offset=2048
        local.get $dst
        local.get $src
        v128.load offset=132
        v128.store offset=2052
        local.get $dst
        local.get $src
        v128.load offset=148
        v128.store offset=2068
        local.get $dst
        local.get $src
        v128.load offset=164
        v128.store offset=2084
        local.get $dst
        local.get $src
        v128.load offset=176
        v128.store offset=2088
        local.get $dst
        local.get $src
        v128.load offset=192
        v128.store offset=2104
        local.get $dst
        local.get $src
        v128.load offset=208
        v128.store offset=2120
        local.get $dst
        local.get $src
        v128.load offset=220
        v128.store offset=2124
        local.get $dst
        local.get $src
        v128.load offset=236
        v128.store offset=2140
        local.get $dst
        local.get $src
        v128.load offset=252
        v128.store offset=2156
        local.get $dst
        local.get $src
        v128.load offset=264
        v128.store offset=2160
        local.get $dst
        local.get $src
        v128.load offset=280
        v128.store offset=2176
        local.get $dst
        local.get $src
        v128.load offset=296
        v128.store offset=2192
        local.get $dst
        local.get $src
        v128.load offset=308
        v128.store offset=2196
        local.get $dst
        local.get $src
        v128.load offset=324
        v128.store offset=2212
        local.get $dst
        local.get $src
        v128.load offset=340
        v128.store offset=2228
        local.get $dst
        local.get $src
        v128.load offset=352
        v128.store offset=2232
        local.get $dst
        local.get $src
        v128.load offset=368
        v128.store offset=2248
        local.get $dst
        local.get $src
        v128.load offset=384
        v128.store offset=2264
        local.get $dst
        local.get $src
        v128.load offset=396
        v128.store offset=2268
        local.get $dst
        local.get $src
        v128.load offset=412
        v128.store offset=2284
        local.get $dst
        local.get $src
        v128.load offset=428
        v128.store offset=2300
        local.get $dst
        local.get $src
        v128.load offset=440
        v128.store offset=2304
        local.get $dst
        local.get $src
        v128.load offset=456
        v128.store offset=2320
        local.get $dst
        local.get $src
        v128.load offset=472
        v128.store offset=2336
        local.get $dst
        local.get $src
        v128.load offset=92
        v128.store offset=2352
        local.get $dst
        local.get $src
        v128.load offset=108
        v128.store offset=2368
        local.get $dst
        local.get $src
        v128.load offset=124
        v128.store offset=2384
        local.get $dst
        local.get $src
        v128.load offset=136
        v128.store offset=2388
        local.get $dst
        local.get $src
        v128.load offset=152
        v128.store offset=2404
        local.get $dst
        local.get $src
        v128.load offset=168
        v128.store offset=2420
        local.get $dst
        local.get $src
        v128.load offset=180
        v128.store offset=2424
        local.get $dst
        local.get $src
        v128.load offset=196
        v128.store offset=2440
        local.get $dst
        local.get $src
        v128.load offset=212
        v128.store offset=2456
        local.get $dst
        local.get $src
        v128.load offset=224
        v128.store offset=2460
        local.get $dst
        local.get $src
        v128.load offset=240
        v128.store offset=2476
        local.get $dst
        local.get $src
        v128.load offset=256
        v128.store offset=2492
        local.get $dst
        local.get $src
        v128.load offset=268
        v128.store offset=2496
        local.get $dst
        local.get $src
        v128.load offset=284
        v128.store offset=2512
        local.get $dst
        local.get $src
        v128.load offset=300
        v128.store offset=2528
        local.get $dst
        local.get $src
        v128.load offset=312
        v128.store offset=2532
        local.get $dst
        local.get $src
        v128.load offset=328
        v128.store offset=2548
        local.get $dst
        local.get $src
        v128.load offset=344
        v128.store offset=2564
        local.get $dst
        local.get $src
        v128.load offset=356
        v128.store offset=2568
        local.get $dst
        local.get $src
        v128.load offset=372
        v128.store offset=2584
        local.get $dst
        local.get $src
        v128.load offset=388
        v128.store offset=2600
        local.get $dst
        local.get $src
        v128.load offset=400
        v128.store offset=2604
        local.get $dst
        local.get $src
        v128.load offset=416
        v128.store offset=2620
        local.get $dst
        local.get $src
        v128.load offset=432
        v128.store offset=2636
        local.get $dst
        local.get $src
        v128.load offset=444
        v128.store offset=2640
        local.get $dst
        local.get $src
        v128.load offset=460
        v128.store offset=2656
        local.get $dst
        local.get $src
        v128.load offset=476
        v128.store offset=2672
        local.get $dst
        local.get $src
        v128.load offset=96
        v128.store offset=2688
        local.get $dst
        local.get $src
        v128.load offset=112
        v128.store offset=2704
        local.get $dst
        local.get $src
        v128.load offset=128
        v128.store offset=2720
        local.get $dst
        local.get $src
        v128.load offset=140
        v128.store offset=2724
        local.get $dst
        local.get $src
        v128.load offset=156
        v128.store offset=2740
        local.get $dst
        local.get $src
        v128.load offset=172
        v128.store offset=2756
        local.get $dst
        local.get $src
        v128.load offset=184
        v128.store offset=2760
        local.get $dst
        local.get $src
        v128.load offset=200
        v128.store offset=2776
        local.get $dst
        local.get $src
        v128.load offset=216
        v128.store offset=2792
        local.get $dst
        local.get $src
        v128.load offset=228
        v128.store offset=2796
        local.get $dst
        local.get $src
        v128.load offset=244
        v128.store offset=2812
        local.get $dst
        local.get $src
        v128.load offset=260
        v128.store offset=2828
        local.get $dst
        local.get $src
        v128.load offset=272
        v128.store offset=2832
        local.get $dst
        local.get $src
        v128.load offset=288
        v128.store offset=2848
        local.get $dst
        local.get $src
        v128.load offset=304
        v128.store offset=2864
        local.get $dst
        local.get $src
        v128.load offset=316
        v128.store offset=2868
        local.get $dst
        local.get $src
        v128.load offset=332
        v128.store offset=2884
        local.get $dst
        local.get $src
        v128.load offset=348
        v128.store offset=2900
        local.get $dst
        local.get $src
        v128.load offset=360
        v128.store offset=2904
        local.get $dst
        local.get $src
        v128.load offset=376
        v128.store offset=2920
        local.get $dst
        local.get $src
        v128.load offset=392
        v128.store offset=2936
        local.get $dst
        local.get $src
        v128.load offset=404
        v128.store offset=2940
        local.get $dst
        local.get $src
        v128.load offset=420
        v128.store offset=2956
        local.get $dst
        local.get $src
        v128.load offset=436
        v128.store offset=2972
        local.get $dst
        local.get $src
        v128.load offset=448
        v128.store offset=2976
        local.get $dst
        local.get $src
        v128.load offset=464
        v128.store offset=2992
        local.get $dst
        local.get $src
        v128.load offset=480
        v128.store offset=3008
        local.get $dst
        i32.const 3024
        i32.add
        local.set $dst
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $cin
        i32.lt_s
        br_if $chan
      end
    end
  )
  (func $transpose (export "transpose") (param $rows i32) (param $cols i32) (param $src i32) (param $lds i32) (param $dst i32) (param $ldd i32) (param $acc i32)
    (local $i i32)
    (local $j i32)
    (local $ps i32)
    (local $pd i32)
    (local $r4 i32)
    (local $c4 i32)
    (local $v0 v128)
    (local $v1 v128)
    (local $v2 v128)
    (local $v3 v128)
    (local $t0 v128)
    (local $t1 v128)
    (local $t2 v128)
    (local $t3 v128)
    local.get $rows
    i32.const -4
    i32.and
    local.set $r4
    local.get $cols
    i32.const -4
    i32.and
    local.set $c4
    i32.const 0
    local.set $i
    block $rowsdone
      loop $rowblk
        local.get $i
        local.get $r4
        i32.ge_s
        br_if $rowsdone
        i32.const 0
        local.set $j
        block $colsdone
          loop $colblk
            local.get $j
            local.get $c4
            i32.ge_s
            br_if $colsdone
            local.get $src
            local.get $i
            local.get $lds
            i32.mul
            i32.add
            local.get $j
            i32.const 4
            i32.mul
            i32.add
            local.set $ps
            local.get $ps
            local.get $lds
            i32.const 0
            i32.mul
            i32.add
            v128.load
            local.set $v0
            local.get $ps
            local.get $lds
            i32.const 1
            i32.mul
            i32.add
            v128.load
            local.set $v1
            local.get $ps
            local.get $lds
            i32.const 2
            i32.mul
            i32.add
            v128.load
            local.set $v2
            local.get $ps
            local.get $lds
            i32.const 3
            i32.mul
            i32.add
            v128.load
            local.set $v3
            local.get $v0
            local.get $v1
            i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
            local.set $t0
            local.get $v2
            local.get $v3
            i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
            local.set $t1
            local.get $v0
            local.get $v1
            i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
            local.set $t2
            local.get $v2
            local.get $v3
            i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
            local.set $t3
            local.get $t0
            local.get $t1
            i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            local.set $v0
            local.get $t0
            local.get $t1
            i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
            local.set $v1
            local.get $t2
            local.get $t3
            i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            local.set $v2
            local.get $t2
            local.get $t3
            i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
            local.set $v3
            local.get $dst
            local.get $j
            local.get $ldd
            i32.mul
            i32.add
            local.get $i
            i32.const 4
            i32.mul
            i32.add
            local.set $pd
            local.get $acc
            if $acc0
              local.get $pd
              local.get $ldd
              i32.const 0
              i32.mul
              i32.add
              v128.load
              local.get $v0
              f32x4.add
              local.set $v0
            end
            local.get $pd
            local.get $ldd
            i32.const 0
            i32.mul
            i32.add
            local.get $v0
            v128.store
            local.get $acc
            if $acc1
              local.get $pd
              local.get $ldd
              i32.const 1
              i32.mul
              i32.add
              v128.load
              local.get $v1
              f32x4.add
              local.set $v1
            end
            local.get $pd
            local.get $ldd
            i32.const 1
            i32.mul
            i32.add
            local.get $v1
            v128.store
            local.get $acc
            if $acc2
              local.get $pd
              local.get $ldd
              i32.const 2
              i32.mul
              i32.add
              v128.load
              local.get $v2
              f32x4.add
              local.set $v2
            end
            local.get $pd
            local.get $ldd
            i32.const 2
            i32.mul
            i32.add
            local.get $v2
            v128.store
            local.get $acc
            if $acc3
              local.get $pd
              local.get $ldd
              i32.const 3
              i32.mul
              i32.add
              v128.load
              local.get $v3
              f32x4.add
              local.set $v3
            end
            local.get $pd
            local.get $ldd
            i32.const 3
            i32.mul
            i32.add
            local.get $v3
            v128.store
            local.get $j
            i32.const 4
            i32.add
            local.set $j
            br $colblk
          end
        end
        local.get $i
        i32.const 4
        i32.add
        local.set $i
        br $rowblk
      end
    end
    i32.const 0
    local.set $i
    block $ecol_done
      loop $ecol_i
        local.get $i
        local.get $rows
        i32.ge_s
        br_if $ecol_done
        local.get $c4
        local.set $j
        block $ecol_jdone
          loop $ecol_j
            local.get $j
            local.get $cols
            i32.ge_s
            br_if $ecol_jdone
            local.get $dst
            local.get $j
            local.get $ldd
            i32.mul
            i32.add
            local.get $i
            i32.const 4
            i32.mul
            i32.add
            local.set $pd
            local.get $src
            local.get $i
            local.get $lds
            i32.mul
            i32.add
            local.get $j
            i32.const 4
            i32.mul
            i32.add
            local.set $ps
            local.get $acc
            if $ecol_acc
              local.get $pd
              local.get $pd
              f32.load
              local.get $ps
              f32.load
              f32.add
              f32.store
            end
            local.get $acc
            i32.eqz
            if $ecol_set
              local.get $pd
              local.get $ps
              f32.load
              f32.store
            end
            local.get $j
            i32.const 1
            i32.add
            local.set $j
            br $ecol_j
          end
        end
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $ecol_i
      end
    end
    local.get $r4
    local.set $i
    block $erow_done
      loop $erow_i
        local.get $i
        local.get $rows
        i32.ge_s
        br_if $erow_done
        i32.const 0
        local.set $j
        block $erow_jdone
          loop $erow_j
            local.get $j
            local.get $c4
            i32.ge_s
            br_if $erow_jdone
            local.get $dst
            local.get $j
            local.get $ldd
            i32.mul
            i32.add
            local.get $i
            i32.const 4
            i32.mul
            i32.add
            local.set $pd
            local.get $src
            local.get $i
            local.get $lds
            i32.mul
            i32.add
            local.get $j
            i32.const 4
            i32.mul
            i32.add
            local.set $ps
            local.get $acc
            if $erow_acc
              local.get $pd
              local.get $pd
              f32.load
              local.get $ps
              f32.load
              f32.add
              f32.store
            end
            local.get $acc
            i32.eqz
            if $erow_set
              local.get $pd
              local.get $ps
              f32.load
              f32.store
            end
            local.get $j
            i32.const 1
            i32.add
            local.set $j
            br $erow_j
          end
        end
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $erow_i
      end
    end
  )
  (func $bias_act (export "bias_act") (param $M i32) (param $N i32) (param $c i32) (param $ldc i32) (param $bias i32) (param $mode i32) (param $relu i32)
    (local $m i32)
    (local $n i32)
    (local $pr i32)
    (local $n4 i32)
    (local $v v128)
    (local $rb v128)
    (local $s f32)
    local.get $N
    i32.const -4
    i32.and
    local.set $n4
    block $end
      local.get $M
      i32.const 1
      i32.lt_s
      br_if $end
      i32.const 0
      local.set $m
      loop $row
        local.get $c
        local.get $m
        local.get $ldc
        i32.mul
        i32.add
        local.set $pr
        v128.const i32x4 0 0 0 0
        local.set $rb
        local.get $mode
        i32.const 2
        i32.eq
        if $perrow
          local.get $bias
          local.get $m
          i32.const 4
          i32.mul
          i32.add
          v128.load32_splat
          local.set $rb
        end
        i32.const 0
        local.set $n
        block $vdone
          loop $vec
            local.get $n
            local.get $n4
            i32.ge_s
            br_if $vdone
            local.get $pr
            local.get $n
            i32.const 4
            i32.mul
            i32.add
            v128.load
            local.get $rb
            f32x4.add
            local.set $v
            local.get $mode
            i32.const 1
            i32.eq
            if $percol
              local.get $v
              local.get $bias
              local.get $n
              i32.const 4
              i32.mul
              i32.add
              v128.load
              f32x4.add
              local.set $v
            end
            local.get $relu
            if $relu
              v128.const i32x4 0 0 0 0
              local.get $v
              f32x4.pmax
              local.set $v
            end
            local.get $pr
            local.get $n
            i32.const 4
            i32.mul
            i32.add
            local.get $v
            v128.store
            local.get $n
            i32.const 4
            i32.add
            local.set $n
            br $vec
          end
        end
        block $sdone
          loop $scalar
            local.get $n
            local.get $N
            i32.ge_s
            br_if $sdone
            local.get $pr
            local.get $n
            i32.const 4
            i32.mul
            i32.add
            f32.load
            local.get $rb
            f32x4.extract_lane 0
            f32.add
            local.set $s
            local.get $mode
            i32.const 1
            i32.eq
            if $percol_s
              local.get $s
              local.get $bias
              local.get $n
              i32.const 4
              i32.mul
              i32.add
              f32.load
              f32.add
              local.set $s
            end
            local.get $relu
            if $relu_s
              local.get $s
              f32.const 0
              local.get $s
              f32.const 0
              f32.gt
              select
              local.set $s
            end
            local.get $pr
            local.get $n
            i32.const 4
            i32.mul
            i32.add
            local.get $s
            f32.store
            local.get $n
            i32.const 1
            i32.add
            local.set $n
            br $scalar
          end
        end
        local.get $m
        i32.const 1
        i32.add
        local.tee $m
        local.get $M
        i32.lt_s
        br_if $row
      end
    end
  )
  (func $plane_affine (export "plane_affine") (param $x i32) (param $y i32) (param $planes i32) (param $C i32) (param $mean i32) (param $scale i32) (param $beta i32) (param $relu i32)
    (local $p i32)
    (local $c i32)
    (local $c4 i32)
    (local $p4 i32)
    (local $s_mean f32)
    (local $v_mean v128)
    (local $s_scale f32)
    (local $v_scale v128)
    (local $s_beta f32)
    (local $v_beta v128)
    (local $t_clamp f32)
    local.get $relu
    i32.const 1
    i32.eq
    if $relu1
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $scale
          local.get $c4
          i32.add
          f32.load
          local.tee $s_scale
          f32x4.splat
          local.set $v_scale
          local.get $beta
          local.get $c4
          i32.add
          f32.load
          local.tee $s_beta
          f32x4.splat
          local.set $v_beta
          local.get $y
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store
          local.get $y
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=16
          local.get $y
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=32
          local.get $y
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=48
          local.get $y
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=64
          local.get $y
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=80
          local.get $y
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=96
          local.get $y
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=112
          local.get $y
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=128
          local.get $y
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=144
          local.get $y
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=160
          local.get $y
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=176
          local.get $y
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=192
          local.get $y
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=208
          local.get $y
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=224
          local.get $y
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=240
          local.get $y
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=256
          local.get $y
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=272
          local.get $y
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=288
          local.get $y
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.const i32x4 0 0 0 0
          f32x4.pmax
          v128.store offset=304
          local.get $y
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_scale
          f32.mul
          local.get $s_beta
          f32.add
          local.tee $t_clamp
          f32.const 0
          local.get $t_clamp
          f32.const 0
          f32.lt
          i32.eqz
          select
          f32.store offset=320
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
    local.get $relu
    i32.const 0
    i32.eq
    if $relu0
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $scale
          local.get $c4
          i32.add
          f32.load
          local.tee $s_scale
          f32x4.splat
          local.set $v_scale
          local.get $beta
          local.get $c4
          i32.add
          f32.load
          local.tee $s_beta
          f32x4.splat
          local.set $v_beta
          local.get $y
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store
          local.get $y
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=16
          local.get $y
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=32
          local.get $y
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=48
          local.get $y
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=64
          local.get $y
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=80
          local.get $y
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=96
          local.get $y
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=112
          local.get $y
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=128
          local.get $y
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=144
          local.get $y
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=160
          local.get $y
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=176
          local.get $y
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=192
          local.get $y
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=208
          local.get $y
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=224
          local.get $y
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=240
          local.get $y
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=256
          local.get $y
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=272
          local.get $y
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=288
          local.get $y
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_scale
          f32x4.mul
          local.get $v_beta
          f32x4.add
          v128.store offset=304
          local.get $y
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_scale
          f32.mul
          local.get $s_beta
          f32.add
          f32.store offset=320
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
  )
  (func $plane_sum (export "plane_sum") (param $x i32) (param $planes i32) (param $C i32) (param $mean i32) (param $sq i32) (param $out i32)
    (local $s_acc f32)
    (local $v_acc v128)
    (local $s_d f32)
    (local $v_d v128)
    (local $p i32)
    (local $c i32)
    (local $c4 i32)
    (local $p4 i32)
    (local $s_mean f32)
    (local $v_mean v128)
    local.get $sq
    i32.const 0
    i32.eq
    if $sq0
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          v128.const i32x4 0 0 0 0
          local.set $v_acc
          f32.const 0
          local.set $s_acc
          local.get $v_acc
          local.get $x
          v128.load
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=16
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=32
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=48
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=64
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=80
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=96
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=112
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=128
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=144
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=160
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=176
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=192
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=208
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=224
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=240
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=256
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=272
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=288
          f32x4.add
          local.set $v_acc
          local.get $v_acc
          local.get $x
          v128.load offset=304
          f32x4.add
          local.set $v_acc
          local.get $s_acc
          local.get $x
          f32.load offset=320
          f32.add
          local.set $s_acc
          local.get $out
          local.get $p4
          i32.add
          local.get $v_acc
          f32x4.extract_lane 0
          local.get $v_acc
          f32x4.extract_lane 1
          f32.add
          local.get $v_acc
          f32x4.extract_lane 2
          local.get $v_acc
          f32x4.extract_lane 3
          f32.add
          f32.add
          local.get $s_acc
          f32.add
          f32.store
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
    local.get $sq
    i32.const 1
    i32.eq
    if $sq1
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          v128.const i32x4 0 0 0 0
          local.set $v_acc
          f32.const 0
          local.set $s_acc
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.set $v_d
          local.get $v_acc
          local.get $v_d
          local.get $v_d
          f32x4.mul
          f32x4.add
          local.set $v_acc
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.set $s_d
          local.get $s_acc
          local.get $s_d
          local.get $s_d
          f32.mul
          f32.add
          local.set $s_acc
          local.get $out
          local.get $p4
          i32.add
          local.get $v_acc
          f32x4.extract_lane 0
          local.get $v_acc
          f32x4.extract_lane 1
          f32.add
          local.get $v_acc
          f32x4.extract_lane 2
          local.get $v_acc
          f32x4.extract_lane 3
          f32.add
          f32.add
          local.get $s_acc
          f32.add
          f32.store
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
  )
  (func $bn_bwd_sums (export "bn_bwd_sums") (param $x i32) (param $y i32) (param $dy i32) (param $planes i32) (param $C i32) (param $mean i32) (param $invStd i32) (param $relu i32) (param $outG i32) (param $outGX i32)
    (local $s_g f32)
    (local $v_g v128)
    (local $s_sg f32)
    (local $v_sg v128)
    (local $s_sgx f32)
    (local $v_sgx v128)
    (local $p i32)
    (local $c i32)
    (local $c4 i32)
    (local $p4 i32)
    (local $s_mean f32)
    (local $v_mean v128)
    (local $s_invStd f32)
    (local $v_invStd v128)
    local.get $relu
    i32.const 1
    i32.eq
    if $relu1
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $invStd
          local.get $c4
          i32.add
          f32.load
          local.tee $s_invStd
          f32x4.splat
          local.set $v_invStd
          v128.const i32x4 0 0 0 0
          local.set $v_sg
          v128.const i32x4 0 0 0 0
          local.set $v_sgx
          f32.const 0
          local.set $s_sg
          f32.const 0
          local.set $s_sgx
          local.get $dy
          v128.load
          local.get $y
          v128.load
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=16
          local.get $y
          v128.load offset=16
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=32
          local.get $y
          v128.load offset=32
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=48
          local.get $y
          v128.load offset=48
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=64
          local.get $y
          v128.load offset=64
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=80
          local.get $y
          v128.load offset=80
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=96
          local.get $y
          v128.load offset=96
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=112
          local.get $y
          v128.load offset=112
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=128
          local.get $y
          v128.load offset=128
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=144
          local.get $y
          v128.load offset=144
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=160
          local.get $y
          v128.load offset=160
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=176
          local.get $y
          v128.load offset=176
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=192
          local.get $y
          v128.load offset=192
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=208
          local.get $y
          v128.load offset=208
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=224
          local.get $y
          v128.load offset=224
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=240
          local.get $y
          v128.load offset=240
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=256
          local.get $y
          v128.load offset=256
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=272
          local.get $y
          v128.load offset=272
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=288
          local.get $y
          v128.load offset=288
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=304
          local.get $y
          v128.load offset=304
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          f32.load offset=320
          f32.const 0
          local.get $y
          f32.load offset=320
          f32.const 0
          f32.gt
          select
          local.set $s_g
          local.get $s_sg
          local.get $s_g
          f32.add
          local.set $s_sg
          local.get $s_sgx
          local.get $s_g
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_invStd
          f32.mul
          f32.mul
          f32.add
          local.set $s_sgx
          local.get $outG
          local.get $p4
          i32.add
          local.get $v_sg
          f32x4.extract_lane 0
          local.get $v_sg
          f32x4.extract_lane 1
          f32.add
          local.get $v_sg
          f32x4.extract_lane 2
          local.get $v_sg
          f32x4.extract_lane 3
          f32.add
          f32.add
          local.get $s_sg
          f32.add
          f32.store
          local.get $outGX
          local.get $p4
          i32.add
          local.get $v_sgx
          f32x4.extract_lane 0
          local.get $v_sgx
          f32x4.extract_lane 1
          f32.add
          local.get $v_sgx
          f32x4.extract_lane 2
          local.get $v_sgx
          f32x4.extract_lane 3
          f32.add
          f32.add
          local.get $s_sgx
          f32.add
          f32.store
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $dy
          i32.const 324
          i32.add
          local.set $dy
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
    local.get $relu
    i32.const 0
    i32.eq
    if $relu0
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $invStd
          local.get $c4
          i32.add
          f32.load
          local.tee $s_invStd
          f32x4.splat
          local.set $v_invStd
          v128.const i32x4 0 0 0 0
          local.set $v_sg
          v128.const i32x4 0 0 0 0
          local.set $v_sgx
          f32.const 0
          local.set $s_sg
          f32.const 0
          local.set $s_sgx
          local.get $dy
          v128.load
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=16
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=32
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=48
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=64
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=80
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=96
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=112
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=128
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=144
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=160
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=176
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=192
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=208
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=224
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=240
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=256
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=272
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=288
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          v128.load offset=304
          local.set $v_g
          local.get $v_sg
          local.get $v_g
          f32x4.add
          local.set $v_sg
          local.get $v_sgx
          local.get $v_g
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          f32x4.mul
          f32x4.add
          local.set $v_sgx
          local.get $dy
          f32.load offset=320
          local.set $s_g
          local.get $s_sg
          local.get $s_g
          f32.add
          local.set $s_sg
          local.get $s_sgx
          local.get $s_g
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_invStd
          f32.mul
          f32.mul
          f32.add
          local.set $s_sgx
          local.get $outG
          local.get $p4
          i32.add
          local.get $v_sg
          f32x4.extract_lane 0
          local.get $v_sg
          f32x4.extract_lane 1
          f32.add
          local.get $v_sg
          f32x4.extract_lane 2
          local.get $v_sg
          f32x4.extract_lane 3
          f32.add
          f32.add
          local.get $s_sg
          f32.add
          f32.store
          local.get $outGX
          local.get $p4
          i32.add
          local.get $v_sgx
          f32x4.extract_lane 0
          local.get $v_sgx
          f32x4.extract_lane 1
          f32.add
          local.get $v_sgx
          f32x4.extract_lane 2
          local.get $v_sgx
          f32x4.extract_lane 3
          f32.add
          f32.add
          local.get $s_sgx
          f32.add
          f32.store
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $dy
          i32.const 324
          i32.add
          local.set $dy
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
  )
  (func $bn_bwd_dx (export "bn_bwd_dx") (param $x i32) (param $y i32) (param $dy i32) (param $dx i32) (param $planes i32) (param $C i32) (param $mean i32) (param $invStd i32) (param $k i32) (param $a i32) (param $b i32) (param $relu i32) (param $acc i32)
    (local $s_g f32)
    (local $v_g v128)
    (local $p i32)
    (local $c i32)
    (local $c4 i32)
    (local $p4 i32)
    (local $s_mean f32)
    (local $v_mean v128)
    (local $s_invStd f32)
    (local $v_invStd v128)
    (local $s_k f32)
    (local $v_k v128)
    (local $s_a f32)
    (local $v_a v128)
    (local $s_b f32)
    (local $v_b v128)
    local.get $relu
    i32.const 1
    i32.eq
    local.get $acc
    i32.const 1
    i32.eq
    i32.and
    if $r1a1
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $invStd
          local.get $c4
          i32.add
          f32.load
          local.tee $s_invStd
          f32x4.splat
          local.set $v_invStd
          local.get $k
          local.get $c4
          i32.add
          f32.load
          local.tee $s_k
          f32x4.splat
          local.set $v_k
          local.get $a
          local.get $c4
          i32.add
          f32.load
          local.tee $s_a
          f32x4.splat
          local.set $v_a
          local.get $b
          local.get $c4
          i32.add
          f32.load
          local.tee $s_b
          f32x4.splat
          local.set $v_b
          local.get $dy
          v128.load
          local.get $y
          v128.load
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load
          f32x4.add
          v128.store
          local.get $dy
          v128.load offset=16
          local.get $y
          v128.load offset=16
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=16
          f32x4.add
          v128.store offset=16
          local.get $dy
          v128.load offset=32
          local.get $y
          v128.load offset=32
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=32
          f32x4.add
          v128.store offset=32
          local.get $dy
          v128.load offset=48
          local.get $y
          v128.load offset=48
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=48
          f32x4.add
          v128.store offset=48
          local.get $dy
          v128.load offset=64
          local.get $y
          v128.load offset=64
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=64
          f32x4.add
          v128.store offset=64
          local.get $dy
          v128.load offset=80
          local.get $y
          v128.load offset=80
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=80
          f32x4.add
          v128.store offset=80
          local.get $dy
          v128.load offset=96
          local.get $y
          v128.load offset=96
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=96
          f32x4.add
          v128.store offset=96
          local.get $dy
          v128.load offset=112
          local.get $y
          v128.load offset=112
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=112
          f32x4.add
          v128.store offset=112
          local.get $dy
          v128.load offset=128
          local.get $y
          v128.load offset=128
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=128
          f32x4.add
          v128.store offset=128
          local.get $dy
          v128.load offset=144
          local.get $y
          v128.load offset=144
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=144
          f32x4.add
          v128.store offset=144
          local.get $dy
          v128.load offset=160
          local.get $y
          v128.load offset=160
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=160
          f32x4.add
          v128.store offset=160
          local.get $dy
          v128.load offset=176
          local.get $y
          v128.load offset=176
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=176
          f32x4.add
          v128.store offset=176
          local.get $dy
          v128.load offset=192
          local.get $y
          v128.load offset=192
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=192
          f32x4.add
          v128.store offset=192
          local.get $dy
          v128.load offset=208
          local.get $y
          v128.load offset=208
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=208
          f32x4.add
          v128.store offset=208
          local.get $dy
          v128.load offset=224
          local.get $y
          v128.load offset=224
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=224
          f32x4.add
          v128.store offset=224
          local.get $dy
          v128.load offset=240
          local.get $y
          v128.load offset=240
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=240
          f32x4.add
          v128.store offset=240
          local.get $dy
          v128.load offset=256
          local.get $y
          v128.load offset=256
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=256
          f32x4.add
          v128.store offset=256
          local.get $dy
          v128.load offset=272
          local.get $y
          v128.load offset=272
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=272
          f32x4.add
          v128.store offset=272
          local.get $dy
          v128.load offset=288
          local.get $y
          v128.load offset=288
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=288
          f32x4.add
          v128.store offset=288
          local.get $dy
          v128.load offset=304
          local.get $y
          v128.load offset=304
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=304
          f32x4.add
          v128.store offset=304
          local.get $dy
          f32.load offset=320
          f32.const 0
          local.get $y
          f32.load offset=320
          f32.const 0
          f32.gt
          select
          local.set $s_g
          local.get $dx
          local.get $s_g
          local.get $s_a
          f32.sub
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_invStd
          f32.mul
          local.get $s_b
          f32.mul
          f32.sub
          local.get $s_k
          f32.mul
          local.get $dx
          f32.load offset=320
          f32.add
          f32.store offset=320
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $dy
          i32.const 324
          i32.add
          local.set $dy
          local.get $dx
          i32.const 324
          i32.add
          local.set $dx
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
    local.get $relu
    i32.const 1
    i32.eq
    local.get $acc
    i32.const 0
    i32.eq
    i32.and
    if $r1a0
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $invStd
          local.get $c4
          i32.add
          f32.load
          local.tee $s_invStd
          f32x4.splat
          local.set $v_invStd
          local.get $k
          local.get $c4
          i32.add
          f32.load
          local.tee $s_k
          f32x4.splat
          local.set $v_k
          local.get $a
          local.get $c4
          i32.add
          f32.load
          local.tee $s_a
          f32x4.splat
          local.set $v_a
          local.get $b
          local.get $c4
          i32.add
          f32.load
          local.tee $s_b
          f32x4.splat
          local.set $v_b
          local.get $dy
          v128.load
          local.get $y
          v128.load
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store
          local.get $dy
          v128.load offset=16
          local.get $y
          v128.load offset=16
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=16
          local.get $dy
          v128.load offset=32
          local.get $y
          v128.load offset=32
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=32
          local.get $dy
          v128.load offset=48
          local.get $y
          v128.load offset=48
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=48
          local.get $dy
          v128.load offset=64
          local.get $y
          v128.load offset=64
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=64
          local.get $dy
          v128.load offset=80
          local.get $y
          v128.load offset=80
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=80
          local.get $dy
          v128.load offset=96
          local.get $y
          v128.load offset=96
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=96
          local.get $dy
          v128.load offset=112
          local.get $y
          v128.load offset=112
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=112
          local.get $dy
          v128.load offset=128
          local.get $y
          v128.load offset=128
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=128
          local.get $dy
          v128.load offset=144
          local.get $y
          v128.load offset=144
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=144
          local.get $dy
          v128.load offset=160
          local.get $y
          v128.load offset=160
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=160
          local.get $dy
          v128.load offset=176
          local.get $y
          v128.load offset=176
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=176
          local.get $dy
          v128.load offset=192
          local.get $y
          v128.load offset=192
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=192
          local.get $dy
          v128.load offset=208
          local.get $y
          v128.load offset=208
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=208
          local.get $dy
          v128.load offset=224
          local.get $y
          v128.load offset=224
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=224
          local.get $dy
          v128.load offset=240
          local.get $y
          v128.load offset=240
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=240
          local.get $dy
          v128.load offset=256
          local.get $y
          v128.load offset=256
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=256
          local.get $dy
          v128.load offset=272
          local.get $y
          v128.load offset=272
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=272
          local.get $dy
          v128.load offset=288
          local.get $y
          v128.load offset=288
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=288
          local.get $dy
          v128.load offset=304
          local.get $y
          v128.load offset=304
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=304
          local.get $dy
          f32.load offset=320
          f32.const 0
          local.get $y
          f32.load offset=320
          f32.const 0
          f32.gt
          select
          local.set $s_g
          local.get $dx
          local.get $s_g
          local.get $s_a
          f32.sub
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_invStd
          f32.mul
          local.get $s_b
          f32.mul
          f32.sub
          local.get $s_k
          f32.mul
          f32.store offset=320
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $dy
          i32.const 324
          i32.add
          local.set $dy
          local.get $dx
          i32.const 324
          i32.add
          local.set $dx
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
    local.get $relu
    i32.const 0
    i32.eq
    local.get $acc
    i32.const 1
    i32.eq
    i32.and
    if $r0a1
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $invStd
          local.get $c4
          i32.add
          f32.load
          local.tee $s_invStd
          f32x4.splat
          local.set $v_invStd
          local.get $k
          local.get $c4
          i32.add
          f32.load
          local.tee $s_k
          f32x4.splat
          local.set $v_k
          local.get $a
          local.get $c4
          i32.add
          f32.load
          local.tee $s_a
          f32x4.splat
          local.set $v_a
          local.get $b
          local.get $c4
          i32.add
          f32.load
          local.tee $s_b
          f32x4.splat
          local.set $v_b
          local.get $dy
          v128.load
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load
          f32x4.add
          v128.store
          local.get $dy
          v128.load offset=16
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=16
          f32x4.add
          v128.store offset=16
          local.get $dy
          v128.load offset=32
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=32
          f32x4.add
          v128.store offset=32
          local.get $dy
          v128.load offset=48
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=48
          f32x4.add
          v128.store offset=48
          local.get $dy
          v128.load offset=64
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=64
          f32x4.add
          v128.store offset=64
          local.get $dy
          v128.load offset=80
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=80
          f32x4.add
          v128.store offset=80
          local.get $dy
          v128.load offset=96
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=96
          f32x4.add
          v128.store offset=96
          local.get $dy
          v128.load offset=112
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=112
          f32x4.add
          v128.store offset=112
          local.get $dy
          v128.load offset=128
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=128
          f32x4.add
          v128.store offset=128
          local.get $dy
          v128.load offset=144
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=144
          f32x4.add
          v128.store offset=144
          local.get $dy
          v128.load offset=160
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=160
          f32x4.add
          v128.store offset=160
          local.get $dy
          v128.load offset=176
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=176
          f32x4.add
          v128.store offset=176
          local.get $dy
          v128.load offset=192
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=192
          f32x4.add
          v128.store offset=192
          local.get $dy
          v128.load offset=208
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=208
          f32x4.add
          v128.store offset=208
          local.get $dy
          v128.load offset=224
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=224
          f32x4.add
          v128.store offset=224
          local.get $dy
          v128.load offset=240
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=240
          f32x4.add
          v128.store offset=240
          local.get $dy
          v128.load offset=256
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=256
          f32x4.add
          v128.store offset=256
          local.get $dy
          v128.load offset=272
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=272
          f32x4.add
          v128.store offset=272
          local.get $dy
          v128.load offset=288
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=288
          f32x4.add
          v128.store offset=288
          local.get $dy
          v128.load offset=304
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          local.get $dx
          v128.load offset=304
          f32x4.add
          v128.store offset=304
          local.get $dy
          f32.load offset=320
          local.set $s_g
          local.get $dx
          local.get $s_g
          local.get $s_a
          f32.sub
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_invStd
          f32.mul
          local.get $s_b
          f32.mul
          f32.sub
          local.get $s_k
          f32.mul
          local.get $dx
          f32.load offset=320
          f32.add
          f32.store offset=320
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $dy
          i32.const 324
          i32.add
          local.set $dy
          local.get $dx
          i32.const 324
          i32.add
          local.set $dx
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
    local.get $relu
    i32.const 0
    i32.eq
    local.get $acc
    i32.const 0
    i32.eq
    i32.and
    if $r0a0
      block $planes_done
        local.get $planes
        i32.const 1
        i32.lt_s
        br_if $planes_done
        i32.const 0
        local.set $p
        i32.const 0
        local.set $c
        loop $plane
          local.get $c
          i32.const 2
          i32.shl
          local.set $c4
          local.get $p
          i32.const 2
          i32.shl
          local.set $p4
          local.get $mean
          local.get $c4
          i32.add
          f32.load
          local.tee $s_mean
          f32x4.splat
          local.set $v_mean
          local.get $invStd
          local.get $c4
          i32.add
          f32.load
          local.tee $s_invStd
          f32x4.splat
          local.set $v_invStd
          local.get $k
          local.get $c4
          i32.add
          f32.load
          local.tee $s_k
          f32x4.splat
          local.set $v_k
          local.get $a
          local.get $c4
          i32.add
          f32.load
          local.tee $s_a
          f32x4.splat
          local.set $v_a
          local.get $b
          local.get $c4
          i32.add
          f32.load
          local.tee $s_b
          f32x4.splat
          local.set $v_b
          local.get $dy
          v128.load
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store
          local.get $dy
          v128.load offset=16
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=16
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=16
          local.get $dy
          v128.load offset=32
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=32
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=32
          local.get $dy
          v128.load offset=48
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=48
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=48
          local.get $dy
          v128.load offset=64
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=64
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=64
          local.get $dy
          v128.load offset=80
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=80
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=80
          local.get $dy
          v128.load offset=96
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=96
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=96
          local.get $dy
          v128.load offset=112
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=112
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=112
          local.get $dy
          v128.load offset=128
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=128
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=128
          local.get $dy
          v128.load offset=144
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=144
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=144
          local.get $dy
          v128.load offset=160
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=160
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=160
          local.get $dy
          v128.load offset=176
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=176
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=176
          local.get $dy
          v128.load offset=192
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=192
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=192
          local.get $dy
          v128.load offset=208
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=208
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=208
          local.get $dy
          v128.load offset=224
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=224
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=224
          local.get $dy
          v128.load offset=240
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=240
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=240
          local.get $dy
          v128.load offset=256
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=256
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=256
          local.get $dy
          v128.load offset=272
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=272
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=272
          local.get $dy
          v128.load offset=288
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=288
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=288
          local.get $dy
          v128.load offset=304
          local.set $v_g
          local.get $dx
          local.get $v_g
          local.get $v_a
          f32x4.sub
          local.get $x
          v128.load offset=304
          local.get $v_mean
          f32x4.sub
          local.get $v_invStd
          f32x4.mul
          local.get $v_b
          f32x4.mul
          f32x4.sub
          local.get $v_k
          f32x4.mul
          v128.store offset=304
          local.get $dy
          f32.load offset=320
          local.set $s_g
          local.get $dx
          local.get $s_g
          local.get $s_a
          f32.sub
          local.get $x
          f32.load offset=320
          local.get $s_mean
          f32.sub
          local.get $s_invStd
          f32.mul
          local.get $s_b
          f32.mul
          f32.sub
          local.get $s_k
          f32.mul
          f32.store offset=320
          local.get $x
          i32.const 324
          i32.add
          local.set $x
          local.get $y
          i32.const 324
          i32.add
          local.set $y
          local.get $dy
          i32.const 324
          i32.add
          local.set $dy
          local.get $dx
          i32.const 324
          i32.add
          local.set $dx
          local.get $c
          i32.const 1
          i32.add
          local.tee $c
          local.get $C
          i32.ge_s
          if $wrap
            i32.const 0
            local.set $c
          end
          local.get $p
          i32.const 1
          i32.add
          local.tee $p
          local.get $planes
          i32.lt_s
          br_if $plane
        end
      end
    end
  )
  (func $se_scale_add_relu (export "se_scale_add_relu") (param $x i32) (param $g i32) (param $skip i32) (param $out i32) (param $planes i32)
    (local $C i32)
    (local $s_v f32)
    (local $v_v v128)
    (local $p i32)
    (local $c i32)
    (local $c4 i32)
    (local $p4 i32)
    (local $s_g f32)
    (local $v_g v128)
    local.get $planes
    local.set $C
    block $planes_done
      local.get $planes
      i32.const 1
      i32.lt_s
      br_if $planes_done
      i32.const 0
      local.set $p
      i32.const 0
      local.set $c
      loop $plane
        local.get $c
        i32.const 2
        i32.shl
        local.set $c4
        local.get $p
        i32.const 2
        i32.shl
        local.set $p4
        local.get $g
        local.get $p4
        i32.add
        f32.load
        local.tee $s_g
        f32x4.splat
        local.set $v_g
        local.get $x
        v128.load
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store
        local.get $x
        v128.load offset=16
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=16
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=16
        local.get $x
        v128.load offset=32
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=32
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=32
        local.get $x
        v128.load offset=48
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=48
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=48
        local.get $x
        v128.load offset=64
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=64
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=64
        local.get $x
        v128.load offset=80
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=80
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=80
        local.get $x
        v128.load offset=96
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=96
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=96
        local.get $x
        v128.load offset=112
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=112
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=112
        local.get $x
        v128.load offset=128
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=128
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=128
        local.get $x
        v128.load offset=144
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=144
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=144
        local.get $x
        v128.load offset=160
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=160
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=160
        local.get $x
        v128.load offset=176
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=176
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=176
        local.get $x
        v128.load offset=192
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=192
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=192
        local.get $x
        v128.load offset=208
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=208
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=208
        local.get $x
        v128.load offset=224
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=224
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=224
        local.get $x
        v128.load offset=240
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=240
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=240
        local.get $x
        v128.load offset=256
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=256
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=256
        local.get $x
        v128.load offset=272
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=272
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=272
        local.get $x
        v128.load offset=288
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=288
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=288
        local.get $x
        v128.load offset=304
        local.get $v_g
        f32x4.mul
        local.get $skip
        v128.load offset=304
        f32x4.add
        local.set $v_v
        local.get $out
        local.get $v_v
        local.get $v_v
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        v128.store offset=304
        local.get $x
        f32.load offset=320
        local.get $s_g
        f32.mul
        local.get $skip
        f32.load offset=320
        f32.add
        local.set $s_v
        local.get $out
        local.get $s_v
        f32.const 0
        local.get $s_v
        f32.const 0
        f32.gt
        select
        f32.store offset=320
        local.get $x
        i32.const 324
        i32.add
        local.set $x
        local.get $skip
        i32.const 324
        i32.add
        local.set $skip
        local.get $out
        i32.const 324
        i32.add
        local.set $out
        local.get $c
        i32.const 1
        i32.add
        local.tee $c
        local.get $C
        i32.ge_s
        if $wrap
          i32.const 0
          local.set $c
        end
        local.get $p
        i32.const 1
        i32.add
        local.tee $p
        local.get $planes
        i32.lt_s
        br_if $plane
      end
    end
  )
  (func $se_scale_bwd (export "se_scale_bwd") (param $dout i32) (param $out i32) (param $x i32) (param $g i32) (param $dskip i32) (param $dx i32) (param $dz i32) (param $planes i32)
    (local $C i32)
    (local $s_gm f32)
    (local $v_gm v128)
    (local $s_s f32)
    (local $v_s v128)
    (local $p i32)
    (local $c i32)
    (local $c4 i32)
    (local $p4 i32)
    (local $s_g f32)
    (local $v_g v128)
    local.get $planes
    local.set $C
    block $planes_done
      local.get $planes
      i32.const 1
      i32.lt_s
      br_if $planes_done
      i32.const 0
      local.set $p
      i32.const 0
      local.set $c
      loop $plane
        local.get $c
        i32.const 2
        i32.shl
        local.set $c4
        local.get $p
        i32.const 2
        i32.shl
        local.set $p4
        local.get $g
        local.get $p4
        i32.add
        f32.load
        local.tee $s_g
        f32x4.splat
        local.set $v_g
        v128.const i32x4 0 0 0 0
        local.set $v_s
        f32.const 0
        local.set $s_s
        local.get $dout
        v128.load
        local.get $out
        v128.load
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=16
        local.get $out
        v128.load offset=16
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=16
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=16
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=16
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=32
        local.get $out
        v128.load offset=32
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=32
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=32
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=32
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=48
        local.get $out
        v128.load offset=48
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=48
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=48
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=48
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=64
        local.get $out
        v128.load offset=64
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=64
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=64
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=64
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=80
        local.get $out
        v128.load offset=80
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=80
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=80
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=80
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=96
        local.get $out
        v128.load offset=96
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=96
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=96
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=96
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=112
        local.get $out
        v128.load offset=112
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=112
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=112
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=112
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=128
        local.get $out
        v128.load offset=128
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=128
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=128
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=128
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=144
        local.get $out
        v128.load offset=144
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=144
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=144
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=144
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=160
        local.get $out
        v128.load offset=160
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=160
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=160
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=160
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=176
        local.get $out
        v128.load offset=176
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=176
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=176
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=176
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=192
        local.get $out
        v128.load offset=192
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=192
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=192
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=192
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=208
        local.get $out
        v128.load offset=208
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=208
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=208
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=208
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=224
        local.get $out
        v128.load offset=224
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=224
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=224
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=224
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=240
        local.get $out
        v128.load offset=240
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=240
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=240
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=240
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=256
        local.get $out
        v128.load offset=256
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=256
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=256
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=256
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=272
        local.get $out
        v128.load offset=272
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=272
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=272
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=272
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=288
        local.get $out
        v128.load offset=288
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=288
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=288
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=288
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        v128.load offset=304
        local.get $out
        v128.load offset=304
        v128.const i32x4 0 0 0 0
        f32x4.gt
        v128.and
        local.set $v_gm
        local.get $dskip
        local.get $v_gm
        v128.store offset=304
        local.get $dx
        local.get $v_gm
        local.get $v_g
        f32x4.mul
        v128.store offset=304
        local.get $v_s
        local.get $v_gm
        local.get $x
        v128.load offset=304
        f32x4.mul
        f32x4.add
        local.set $v_s
        local.get $dout
        f32.load offset=320
        f32.const 0
        local.get $out
        f32.load offset=320
        f32.const 0
        f32.gt
        select
        local.set $s_gm
        local.get $dskip
        local.get $s_gm
        f32.store offset=320
        local.get $dx
        local.get $s_gm
        local.get $s_g
        f32.mul
        f32.store offset=320
        local.get $s_s
        local.get $s_gm
        local.get $x
        f32.load offset=320
        f32.mul
        f32.add
        local.set $s_s
        local.get $dz
        local.get $p4
        i32.add
        local.get $v_s
        f32x4.extract_lane 0
        local.get $v_s
        f32x4.extract_lane 1
        f32.add
        local.get $v_s
        f32x4.extract_lane 2
        local.get $v_s
        f32x4.extract_lane 3
        f32.add
        f32.add
        local.get $s_s
        f32.add
        local.get $s_g
        f32.mul
        f32.const 1
        local.get $s_g
        f32.sub
        f32.mul
        f32.store
        local.get $dout
        i32.const 324
        i32.add
        local.set $dout
        local.get $out
        i32.const 324
        i32.add
        local.set $out
        local.get $x
        i32.const 324
        i32.add
        local.set $x
        local.get $dskip
        i32.const 324
        i32.add
        local.set $dskip
        local.get $dx
        i32.const 324
        i32.add
        local.set $dx
        local.get $c
        i32.const 1
        i32.add
        local.tee $c
        local.get $C
        i32.ge_s
        if $wrap
          i32.const 0
          local.set $c
        end
        local.get $p
        i32.const 1
        i32.add
        local.tee $p
        local.get $planes
        i32.lt_s
        br_if $plane
      end
    end
  )
  (func $broadcast_add (export "broadcast_add") (param $v i32) (param $y i32) (param $planes i32) (param $scale f32)
    (local $C i32)
    (local $s_b f32)
    (local $v_b v128)
    (local $p i32)
    (local $c i32)
    (local $c4 i32)
    (local $p4 i32)
    (local $s_v f32)
    (local $v_v v128)
    local.get $planes
    local.set $C
    block $planes_done
      local.get $planes
      i32.const 1
      i32.lt_s
      br_if $planes_done
      i32.const 0
      local.set $p
      i32.const 0
      local.set $c
      loop $plane
        local.get $c
        i32.const 2
        i32.shl
        local.set $c4
        local.get $p
        i32.const 2
        i32.shl
        local.set $p4
        local.get $v
        local.get $p4
        i32.add
        f32.load
        local.tee $s_v
        f32x4.splat
        local.set $v_v
        local.get $s_v
        local.get $scale
        f32.mul
        local.tee $s_b
        f32x4.splat
        local.set $v_b
        local.get $y
        local.get $y
        v128.load
        local.get $v_b
        f32x4.add
        v128.store
        local.get $y
        local.get $y
        v128.load offset=16
        local.get $v_b
        f32x4.add
        v128.store offset=16
        local.get $y
        local.get $y
        v128.load offset=32
        local.get $v_b
        f32x4.add
        v128.store offset=32
        local.get $y
        local.get $y
        v128.load offset=48
        local.get $v_b
        f32x4.add
        v128.store offset=48
        local.get $y
        local.get $y
        v128.load offset=64
        local.get $v_b
        f32x4.add
        v128.store offset=64
        local.get $y
        local.get $y
        v128.load offset=80
        local.get $v_b
        f32x4.add
        v128.store offset=80
        local.get $y
        local.get $y
        v128.load offset=96
        local.get $v_b
        f32x4.add
        v128.store offset=96
        local.get $y
        local.get $y
        v128.load offset=112
        local.get $v_b
        f32x4.add
        v128.store offset=112
        local.get $y
        local.get $y
        v128.load offset=128
        local.get $v_b
        f32x4.add
        v128.store offset=128
        local.get $y
        local.get $y
        v128.load offset=144
        local.get $v_b
        f32x4.add
        v128.store offset=144
        local.get $y
        local.get $y
        v128.load offset=160
        local.get $v_b
        f32x4.add
        v128.store offset=160
        local.get $y
        local.get $y
        v128.load offset=176
        local.get $v_b
        f32x4.add
        v128.store offset=176
        local.get $y
        local.get $y
        v128.load offset=192
        local.get $v_b
        f32x4.add
        v128.store offset=192
        local.get $y
        local.get $y
        v128.load offset=208
        local.get $v_b
        f32x4.add
        v128.store offset=208
        local.get $y
        local.get $y
        v128.load offset=224
        local.get $v_b
        f32x4.add
        v128.store offset=224
        local.get $y
        local.get $y
        v128.load offset=240
        local.get $v_b
        f32x4.add
        v128.store offset=240
        local.get $y
        local.get $y
        v128.load offset=256
        local.get $v_b
        f32x4.add
        v128.store offset=256
        local.get $y
        local.get $y
        v128.load offset=272
        local.get $v_b
        f32x4.add
        v128.store offset=272
        local.get $y
        local.get $y
        v128.load offset=288
        local.get $v_b
        f32x4.add
        v128.store offset=288
        local.get $y
        local.get $y
        v128.load offset=304
        local.get $v_b
        f32x4.add
        v128.store offset=304
        local.get $y
        local.get $y
        f32.load offset=320
        local.get $s_b
        f32.add
        f32.store offset=320
        local.get $y
        i32.const 324
        i32.add
        local.set $y
        local.get $c
        i32.const 1
        i32.add
        local.tee $c
        local.get $C
        i32.ge_s
        if $wrap
          i32.const 0
          local.set $c
        end
        local.get $p
        i32.const 1
        i32.add
        local.tee $p
        local.get $planes
        i32.lt_s
        br_if $plane
      end
    end
  )
  (func $ew (export "ew") (param $op i32) (param $n i32) (param $a i32) (param $b i32) (param $y i32) (param $alpha f32)
    (local $s_alpha f32)
    (local $v_alpha v128)
    (local $s_v f32)
    (local $v_v v128)
    (local $i i32)
    (local $n4 i32)
    local.get $alpha
    local.tee $s_alpha
    f32x4.splat
    local.set $v_alpha
    local.get $op
    i32.const 0
    i32.eq
    if $op0
      local.get $n
      i32.const -4
      i32.and
      local.set $n4
      i32.const 0
      local.set $i
      block $vdone
        loop $vec
          local.get $i
          local.get $n4
          i32.ge_s
          br_if $vdone
          local.get $y
          local.get $a
          v128.load
          local.get $a
          v128.load
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          v128.store
          local.get $a
          i32.const 16
          i32.add
          local.set $a
          local.get $b
          i32.const 16
          i32.add
          local.set $b
          local.get $y
          i32.const 16
          i32.add
          local.set $y
          local.get $i
          i32.const 4
          i32.add
          local.set $i
          br $vec
        end
      end
      block $sdone
        loop $scalar
          local.get $i
          local.get $n
          i32.ge_s
          br_if $sdone
          local.get $y
          local.get $a
          f32.load
          f32.const 0
          local.get $a
          f32.load
          f32.const 0
          f32.gt
          select
          f32.store
          local.get $a
          i32.const 4
          i32.add
          local.set $a
          local.get $b
          i32.const 4
          i32.add
          local.set $b
          local.get $y
          i32.const 4
          i32.add
          local.set $y
          local.get $i
          i32.const 1
          i32.add
          local.set $i
          br $scalar
        end
      end
    end
    local.get $op
    i32.const 1
    i32.eq
    if $op1
      local.get $n
      i32.const -4
      i32.and
      local.set $n4
      i32.const 0
      local.set $i
      block $vdone
        loop $vec
          local.get $i
          local.get $n4
          i32.ge_s
          br_if $vdone
          local.get $y
          local.get $a
          v128.load
          local.get $b
          v128.load
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          v128.store
          local.get $a
          i32.const 16
          i32.add
          local.set $a
          local.get $b
          i32.const 16
          i32.add
          local.set $b
          local.get $y
          i32.const 16
          i32.add
          local.set $y
          local.get $i
          i32.const 4
          i32.add
          local.set $i
          br $vec
        end
      end
      block $sdone
        loop $scalar
          local.get $i
          local.get $n
          i32.ge_s
          br_if $sdone
          local.get $y
          local.get $a
          f32.load
          f32.const 0
          local.get $b
          f32.load
          f32.const 0
          f32.gt
          select
          f32.store
          local.get $a
          i32.const 4
          i32.add
          local.set $a
          local.get $b
          i32.const 4
          i32.add
          local.set $b
          local.get $y
          i32.const 4
          i32.add
          local.set $y
          local.get $i
          i32.const 1
          i32.add
          local.set $i
          br $scalar
        end
      end
    end
    local.get $op
    i32.const 2
    i32.eq
    if $op2
      local.get $n
      i32.const -4
      i32.and
      local.set $n4
      i32.const 0
      local.set $i
      block $vdone
        loop $vec
          local.get $i
          local.get $n4
          i32.ge_s
          br_if $vdone
          local.get $a
          v128.load
          local.get $b
          v128.load
          f32x4.add
          local.set $v_v
          local.get $y
          local.get $v_v
          local.get $v_v
          v128.const i32x4 0 0 0 0
          f32x4.gt
          v128.and
          v128.store
          local.get $a
          i32.const 16
          i32.add
          local.set $a
          local.get $b
          i32.const 16
          i32.add
          local.set $b
          local.get $y
          i32.const 16
          i32.add
          local.set $y
          local.get $i
          i32.const 4
          i32.add
          local.set $i
          br $vec
        end
      end
      block $sdone
        loop $scalar
          local.get $i
          local.get $n
          i32.ge_s
          br_if $sdone
          local.get $a
          f32.load
          local.get $b
          f32.load
          f32.add
          local.set $s_v
          local.get $y
          local.get $s_v
          f32.const 0
          local.get $s_v
          f32.const 0
          f32.gt
          select
          f32.store
          local.get $a
          i32.const 4
          i32.add
          local.set $a
          local.get $b
          i32.const 4
          i32.add
          local.set $b
          local.get $y
          i32.const 4
          i32.add
          local.set $y
          local.get $i
          i32.const 1
          i32.add
          local.set $i
          br $scalar
        end
      end
    end
    local.get $op
    i32.const 3
    i32.eq
    if $op3
      local.get $n
      i32.const -4
      i32.and
      local.set $n4
      i32.const 0
      local.set $i
      block $vdone
        loop $vec
          local.get $i
          local.get $n4
          i32.ge_s
          br_if $vdone
          local.get $y
          local.get $y
          v128.load
          local.get $v_alpha
          local.get $a
          v128.load
          f32x4.mul
          f32x4.add
          v128.store
          local.get $a
          i32.const 16
          i32.add
          local.set $a
          local.get $b
          i32.const 16
          i32.add
          local.set $b
          local.get $y
          i32.const 16
          i32.add
          local.set $y
          local.get $i
          i32.const 4
          i32.add
          local.set $i
          br $vec
        end
      end
      block $sdone
        loop $scalar
          local.get $i
          local.get $n
          i32.ge_s
          br_if $sdone
          local.get $y
          local.get $y
          f32.load
          local.get $s_alpha
          local.get $a
          f32.load
          f32.mul
          f32.add
          f32.store
          local.get $a
          i32.const 4
          i32.add
          local.set $a
          local.get $b
          i32.const 4
          i32.add
          local.set $b
          local.get $y
          i32.const 4
          i32.add
          local.set $y
          local.get $i
          i32.const 1
          i32.add
          local.set $i
          br $scalar
        end
      end
    end
  )
  (func $col_sum (export "col_sum") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $r i32)
    (local $px i32)
    (local $po i32)
    (local $j i32)
    (local $n4 i32)
    (local $s_acc f32)
    (local $v_acc v128)
    local.get $cols
    i32.const -4
    i32.and
    local.set $n4
    i32.const 0
    local.set $j
    block $vdone
      loop $vec
        local.get $j
        local.get $n4
        i32.ge_s
        br_if $vdone
        v128.const i32x4 0 0 0 0
        local.set $v_acc
        local.get $x
        local.get $j
        i32.const 4
        i32.mul
        i32.add
        local.set $px
        i32.const 0
        local.set $r
        block $rdone
          loop $row
            local.get $r
            local.get $rows
            i32.ge_s
            br_if $rdone
            local.get $v_acc
            local.get $px
            v128.load
            f32x4.add
            local.set $v_acc
            local.get $px
            local.get $cols
            i32.const 4
            i32.mul
            i32.add
            local.set $px
            local.get $r
            i32.const 1
            i32.add
            local.set $r
            br $row
          end
        end
        local.get $out
        local.get $j
        i32.const 4
        i32.mul
        i32.add
        local.get $v_acc
        v128.store
        local.get $j
        i32.const 4
        i32.add
        local.set $j
        br $vec
      end
    end
    block $sdone
      loop $scol
        local.get $j
        local.get $cols
        i32.ge_s
        br_if $sdone
        f32.const 0
        local.set $s_acc
        local.get $x
        local.get $j
        i32.const 4
        i32.mul
        i32.add
        local.set $px
        i32.const 0
        local.set $r
        block $srdone
          loop $srow
            local.get $r
            local.get $rows
            i32.ge_s
            br_if $srdone
            local.get $s_acc
            local.get $px
            f32.load
            f32.add
            local.set $s_acc
            local.get $px
            local.get $cols
            i32.const 4
            i32.mul
            i32.add
            local.set $px
            local.get $r
            i32.const 1
            i32.add
            local.set $r
            br $srow
          end
        end
        local.get $out
        local.get $j
        i32.const 4
        i32.mul
        i32.add
        local.get $s_acc
        f32.store
        local.get $j
        i32.const 1
        i32.add
        local.set $j
        br $scol
      end
    end
  )
  (func $sumsq_chunks (export "sumsq_chunks") (param $g i32) (param $n i32) (param $out i32)
    (local $j i32)
    (local $full i32)
    (local $i i32)
    (local $end i32)
    (local $v v128)
    (local $s f32)
    local.get $n
    i32.const 6
    i32.shr_u
    local.set $full
    i32.const 0
    local.set $j
    block $fdone
      loop $chunk
        local.get $j
        local.get $full
        i32.ge_s
        br_if $fdone
        v128.const i32x4 0 0 0 0
        local.set $v
        local.get $v
        local.get $g
        v128.load
        local.get $g
        v128.load
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=16
        local.get $g
        v128.load offset=16
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=32
        local.get $g
        v128.load offset=32
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=48
        local.get $g
        v128.load offset=48
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=64
        local.get $g
        v128.load offset=64
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=80
        local.get $g
        v128.load offset=80
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=96
        local.get $g
        v128.load offset=96
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=112
        local.get $g
        v128.load offset=112
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=128
        local.get $g
        v128.load offset=128
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=144
        local.get $g
        v128.load offset=144
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=160
        local.get $g
        v128.load offset=160
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=176
        local.get $g
        v128.load offset=176
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=192
        local.get $g
        v128.load offset=192
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=208
        local.get $g
        v128.load offset=208
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=224
        local.get $g
        v128.load offset=224
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $v
        local.get $g
        v128.load offset=240
        local.get $g
        v128.load offset=240
        f32x4.mul
        f32x4.add
        local.set $v
        local.get $out
        local.get $j
        i32.const 4
        i32.mul
        i32.add
        local.get $v
        f32x4.extract_lane 0
        local.get $v
        f32x4.extract_lane 1
        f32.add
        local.get $v
        f32x4.extract_lane 2
        local.get $v
        f32x4.extract_lane 3
        f32.add
        f32.add
        f32.store
        local.get $g
        i32.const 256
        i32.add
        local.set $g
        local.get $j
        i32.const 1
        i32.add
        local.set $j
        br $chunk
      end
    end
    local.get $n
    local.get $full
    i32.const 6
    i32.shl
    i32.sub
    local.set $end
    local.get $end
    if $partial
      f32.const 0
      local.set $s
      i32.const 0
      local.set $i
      loop $p
        local.get $s
        local.get $g
        f32.load
        local.get $g
        f32.load
        f32.mul
        f32.add
        local.set $s
        local.get $g
        i32.const 4
        i32.add
        local.set $g
        local.get $i
        i32.const 1
        i32.add
        local.tee $i
        local.get $end
        i32.lt_s
        br_if $p
      end
      local.get $out
      local.get $full
      i32.const 4
      i32.mul
      i32.add
      local.get $s
      f32.store
    end
  )
  (func $adam (export "adam") (param $param i32) (param $grad i32) (param $m i32) (param $v i32) (param $n i32) (param $scale f32) (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $eps f32) (param $wd f32) (param $decay f32) (param $decoupled i32) (param $step f32) (param $sbc2 f32)
    (local $s_scale f32)
    (local $v_scale v128)
    (local $s_b1 f32)
    (local $v_b1 v128)
    (local $s_c1 f32)
    (local $v_c1 v128)
    (local $s_b2 f32)
    (local $v_b2 v128)
    (local $s_c2 f32)
    (local $v_c2 v128)
    (local $s_eps f32)
    (local $v_eps v128)
    (local $s_wd f32)
    (local $v_wd v128)
    (local $s_decay f32)
    (local $v_decay v128)
    (local $s_step f32)
    (local $v_step v128)
    (local $s_sbc2 f32)
    (local $v_sbc2 v128)
    (local $s_g f32)
    (local $v_g v128)
    (local $s_w f32)
    (local $v_w v128)
    (local $s_mm f32)
    (local $v_mm v128)
    (local $s_vv f32)
    (local $v_vv v128)
    (local $i i32)
    (local $n4 i32)
    local.get $scale
    local.tee $s_scale
    f32x4.splat
    local.set $v_scale
    local.get $b1
    local.tee $s_b1
    f32x4.splat
    local.set $v_b1
    local.get $c1
    local.tee $s_c1
    f32x4.splat
    local.set $v_c1
    local.get $b2
    local.tee $s_b2
    f32x4.splat
    local.set $v_b2
    local.get $c2
    local.tee $s_c2
    f32x4.splat
    local.set $v_c2
    local.get $eps
    local.tee $s_eps
    f32x4.splat
    local.set $v_eps
    local.get $wd
    local.tee $s_wd
    f32x4.splat
    local.set $v_wd
    local.get $decay
    local.tee $s_decay
    f32x4.splat
    local.set $v_decay
    local.get $step
    local.tee $s_step
    f32x4.splat
    local.set $v_step
    local.get $sbc2
    local.tee $s_sbc2
    f32x4.splat
    local.set $v_sbc2
    local.get $decoupled
    i32.const 1
    i32.eq
    if $d1
      local.get $n
      i32.const -4
      i32.and
      local.set $n4
      i32.const 0
      local.set $i
      block $vdone
        loop $vec
          local.get $i
          local.get $n4
          i32.ge_s
          br_if $vdone
          local.get $grad
          v128.load
          local.get $v_scale
          f32x4.mul
          local.set $v_g
          local.get $param
          v128.load
          local.set $v_w
          local.get $v_w
          local.get $v_decay
          f32x4.mul
          local.set $v_w
          local.get $v_b1
          local.get $m
          v128.load
          f32x4.mul
          local.get $v_c1
          local.get $v_g
          f32x4.mul
          f32x4.add
          local.set $v_mm
          local.get $v_b2
          local.get $v
          v128.load
          f32x4.mul
          local.get $v_c2
          local.get $v_g
          f32x4.mul
          local.get $v_g
          f32x4.mul
          f32x4.add
          local.set $v_vv
          local.get $m
          local.get $v_mm
          v128.store
          local.get $v
          local.get $v_vv
          v128.store
          local.get $param
          local.get $v_w
          local.get $v_step
          local.get $v_mm
          f32x4.mul
          local.get $v_vv
          f32x4.sqrt
          local.get $v_sbc2
          f32x4.div
          local.get $v_eps
          f32x4.add
          f32x4.div
          f32x4.sub
          v128.store
          local.get $param
          i32.const 16
          i32.add
          local.set $param
          local.get $grad
          i32.const 16
          i32.add
          local.set $grad
          local.get $m
          i32.const 16
          i32.add
          local.set $m
          local.get $v
          i32.const 16
          i32.add
          local.set $v
          local.get $i
          i32.const 4
          i32.add
          local.set $i
          br $vec
        end
      end
      block $sdone
        loop $scalar
          local.get $i
          local.get $n
          i32.ge_s
          br_if $sdone
          local.get $grad
          f32.load
          local.get $s_scale
          f32.mul
          local.set $s_g
          local.get $param
          f32.load
          local.set $s_w
          local.get $s_w
          local.get $s_decay
          f32.mul
          local.set $s_w
          local.get $s_b1
          local.get $m
          f32.load
          f32.mul
          local.get $s_c1
          local.get $s_g
          f32.mul
          f32.add
          local.set $s_mm
          local.get $s_b2
          local.get $v
          f32.load
          f32.mul
          local.get $s_c2
          local.get $s_g
          f32.mul
          local.get $s_g
          f32.mul
          f32.add
          local.set $s_vv
          local.get $m
          local.get $s_mm
          f32.store
          local.get $v
          local.get $s_vv
          f32.store
          local.get $param
          local.get $s_w
          local.get $s_step
          local.get $s_mm
          f32.mul
          local.get $s_vv
          f32.sqrt
          local.get $s_sbc2
          f32.div
          local.get $s_eps
          f32.add
          f32.div
          f32.sub
          f32.store
          local.get $param
          i32.const 4
          i32.add
          local.set $param
          local.get $grad
          i32.const 4
          i32.add
          local.set $grad
          local.get $m
          i32.const 4
          i32.add
          local.set $m
          local.get $v
          i32.const 4
          i32.add
          local.set $v
          local.get $i
          i32.const 1
          i32.add
          local.set $i
          br $scalar
        end
      end
    end
    local.get $decoupled
    i32.const 0
    i32.eq
    if $d0
      local.get $n
      i32.const -4
      i32.and
      local.set $n4
      i32.const 0
      local.set $i
      block $vdone
        loop $vec
          local.get $i
          local.get $n4
          i32.ge_s
          br_if $vdone
          local.get $grad
          v128.load
          local.get $v_scale
          f32x4.mul
          local.set $v_g
          local.get $param
          v128.load
          local.set $v_w
          local.get $v_g
          local.get $v_wd
          local.get $v_w
          f32x4.mul
          f32x4.add
          local.set $v_g
          local.get $v_b1
          local.get $m
          v128.load
          f32x4.mul
          local.get $v_c1
          local.get $v_g
          f32x4.mul
          f32x4.add
          local.set $v_mm
          local.get $v_b2
          local.get $v
          v128.load
          f32x4.mul
          local.get $v_c2
          local.get $v_g
          f32x4.mul
          local.get $v_g
          f32x4.mul
          f32x4.add
          local.set $v_vv
          local.get $m
          local.get $v_mm
          v128.store
          local.get $v
          local.get $v_vv
          v128.store
          local.get $param
          local.get $v_w
          local.get $v_step
          local.get $v_mm
          f32x4.mul
          local.get $v_vv
          f32x4.sqrt
          local.get $v_sbc2
          f32x4.div
          local.get $v_eps
          f32x4.add
          f32x4.div
          f32x4.sub
          v128.store
          local.get $param
          i32.const 16
          i32.add
          local.set $param
          local.get $grad
          i32.const 16
          i32.add
          local.set $grad
          local.get $m
          i32.const 16
          i32.add
          local.set $m
          local.get $v
          i32.const 16
          i32.add
          local.set $v
          local.get $i
          i32.const 4
          i32.add
          local.set $i
          br $vec
        end
      end
      block $sdone
        loop $scalar
          local.get $i
          local.get $n
          i32.ge_s
          br_if $sdone
          local.get $grad
          f32.load
          local.get $s_scale
          f32.mul
          local.set $s_g
          local.get $param
          f32.load
          local.set $s_w
          local.get $s_g
          local.get $s_wd
          local.get $s_w
          f32.mul
          f32.add
          local.set $s_g
          local.get $s_b1
          local.get $m
          f32.load
          f32.mul
          local.get $s_c1
          local.get $s_g
          f32.mul
          f32.add
          local.set $s_mm
          local.get $s_b2
          local.get $v
          f32.load
          f32.mul
          local.get $s_c2
          local.get $s_g
          f32.mul
          local.get $s_g
          f32.mul
          f32.add
          local.set $s_vv
          local.get $m
          local.get $s_mm
          f32.store
          local.get $v
          local.get $s_vv
          f32.store
          local.get $param
          local.get $s_w
          local.get $s_step
          local.get $s_mm
          f32.mul
          local.get $s_vv
          f32.sqrt
          local.get $s_sbc2
          f32.div
          local.get $s_eps
          f32.add
          f32.div
          f32.sub
          f32.store
          local.get $param
          i32.const 4
          i32.add
          local.set $param
          local.get $grad
          i32.const 4
          i32.add
          local.set $grad
          local.get $m
          i32.const 4
          i32.add
          local.set $m
          local.get $v
          i32.const 4
          i32.add
          local.set $v
          local.get $i
          i32.const 1
          i32.add
          local.set $i
          br $scalar
        end
      end
    end
  )
  (func $nnz (export "nnz") (param $a i32) (param $n i32) (result i32)
    (local $i i32)
    (local $n4 i32)
    (local $cnt i32)
    (local $acc v128)
    local.get $n
    i32.const -4
    i32.and
    local.set $n4
    v128.const i32x4 0 0 0 0
    local.set $acc
    i32.const 0
    local.set $i
    block $vdone
      loop $vec
        local.get $i
        local.get $n4
        i32.ge_s
        br_if $vdone
        local.get $acc
        local.get $a
        v128.load
        v128.const i32x4 0 0 0 0
        f32x4.ne
        i32x4.sub
        local.set $acc
        local.get $a
        i32.const 16
        i32.add
        local.set $a
        local.get $i
        i32.const 4
        i32.add
        local.set $i
        br $vec
      end
    end
    local.get $acc
    i32x4.extract_lane 0
    local.get $acc
    i32x4.extract_lane 1
    i32.add
    local.get $acc
    i32x4.extract_lane 2
    local.get $acc
    i32x4.extract_lane 3
    i32.add
    i32.add
    local.set $cnt
    block $sdone
      loop $scalar
        local.get $i
        local.get $n
        i32.ge_s
        br_if $sdone
        local.get $cnt
        local.get $a
        f32.load
        f32.const 0
        f32.ne
        i32.add
        local.set $cnt
        local.get $a
        i32.const 4
        i32.add
        local.set $a
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $scalar
      end
    end
    local.get $cnt
  )
  (func $sparse_gemm (export "sparse_gemm") (param $M i32) (param $N i32) (param $K i32) (param $a i32) (param $sAm i32) (param $sAk i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $acc i32)
    (local $m i32)
    (local $k i32)
    (local $pa i32)
    (local $pb i32)
    (local $pc i32)
    (local $j i32)
    (local $n4 i32)
    (local $v f32)
    (local $vv v128)
    local.get $N
    i32.const -4
    i32.and
    local.set $n4
    block $end
      local.get $M
      i32.const 1
      i32.lt_s
      br_if $end
      i32.const 0
      local.set $m
      loop $row
        local.get $c
        local.get $m
        local.get $ldc
        i32.mul
        i32.add
        local.set $pc
        local.get $acc
        i32.eqz
        if $zero
          i32.const 0
          local.set $j
          block $zdone
            loop $z
              local.get $j
              local.get $N
              i32.ge_s
              br_if $zdone
              local.get $pc
              local.get $j
              i32.const 4
              i32.mul
              i32.add
              f32.const 0
              f32.store
              local.get $j
              i32.const 1
              i32.add
              local.set $j
              br $z
            end
          end
        end
        local.get $a
        local.get $m
        local.get $sAm
        i32.mul
        i32.add
        local.set $pa
        local.get $b
        local.set $pb
        i32.const 0
        local.set $k
        block $kdone
          loop $k
            local.get $k
            local.get $K
            i32.ge_s
            br_if $kdone
            local.get $pa
            f32.load
            local.tee $v
            f32.const 0
            f32.ne
            if $nz
              local.get $v
              f32x4.splat
              local.set $vv
              i32.const 0
              local.set $j
              block $vdone
                loop $vec
                  local.get $j
                  local.get $n4
                  i32.ge_s
                  br_if $vdone
                  local.get $pc
                  local.get $j
                  i32.const 4
                  i32.mul
                  i32.add
                  local.get $pc
                  local.get $j
                  i32.const 4
                  i32.mul
                  i32.add
                  v128.load
                  local.get $vv
                  local.get $pb
                  local.get $j
                  i32.const 4
                  i32.mul
                  i32.add
                  v128.load
                  f32x4.mul
                  f32x4.add
                  v128.store
                  local.get $j
                  i32.const 4
                  i32.add
                  local.set $j
                  br $vec
                end
              end
              block $sdone
                loop $scalar
                  local.get $j
                  local.get $N
                  i32.ge_s
                  br_if $sdone
                  local.get $pc
                  local.get $j
                  i32.const 4
                  i32.mul
                  i32.add
                  local.get $pc
                  local.get $j
                  i32.const 4
                  i32.mul
                  i32.add
                  f32.load
                  local.get $v
                  local.get $pb
                  local.get $j
                  i32.const 4
                  i32.mul
                  i32.add
                  f32.load
                  f32.mul
                  f32.add
                  f32.store
                  local.get $j
                  i32.const 1
                  i32.add
                  local.set $j
                  br $scalar
                end
              end
            end
            local.get $pa
            local.get $sAk
            i32.add
            local.set $pa
            local.get $pb
            local.get $ldb
            i32.add
            local.set $pb
            local.get $k
            i32.const 1
            i32.add
            local.set $k
            br $k
          end
        end
        local.get $m
        i32.const 1
        i32.add
        local.tee $m
        local.get $M
        i32.lt_s
        br_if $row
      end
    end
  )
)
