"""Reads QEMU's -singlestep exec trace on stdin (one 'Trace' line per instruction) and prints the
instructions of the first counted region per function and per call of the model's _invoke.

Usage: profile_calls.py SYMBOLS (lines 'address name' of the image's text symbols, sorted).
With PROFILE_FUNCTIONS=1 in the environment it also prints each call's instructions per function."""
import bisect
import os
import sys


def main():
    syms = [line.split() for line in open(sys.argv[1])]
    addrs = [int(a, 16) for a, _ in syms]
    names = [n for _, n in syms]
    cache = {}
    counting = False
    invoke = None
    calls = []
    per_function = {}
    total = 0
    open_call = False
    for line in sys.stdin:
        if not line.startswith('Trace'):
            continue
        # 'Trace 0: 0x... [00000000/<pc>/<flags>/...] ...'
        first = line.find('/')
        pc = int(line[first + 1:line.find('/', first + 1)], 16)
        name = cache.get(pc)
        if name is None:
            i = bisect.bisect_right(addrs, pc) - 1
            name = cache[pc] = names[i] if i >= 0 else '?'
        if name in ('board_count_begin', 'mcugen_count_start'):
            counting = True
            continue
        if name == 'board_count_end':
            if counting and total > 0:
                break
            continue
        if not counting:
            continue
        total += 1
        per_function[name] = per_function.get(name, 0) + 1
        if invoke is None and name.endswith('_invoke'):
            invoke = name
        if name == invoke:
            open_call = False
            continue
        if invoke is not None:
            if not open_call:
                calls.append([name, 0, {}])
                open_call = True
            calls[-1][1] += 1
            calls[-1][2][name] = calls[-1][2].get(name, 0) + 1
    if total == 0:
        sys.exit('profile_calls: no counted region in the trace')
    print(f'total {total:,} instructions')
    print('per function:')
    for name, n in sorted(per_function.items(), key=lambda kv: -kv[1]):
        print(f'{n:12,} {100 * n / total:5.1f}%  {name}')
    print(f'per call of {invoke} (one per layer, callees included):')
    for i, (name, n, funcs) in enumerate(calls):
        print(f'{i:4d} {n:12,} {100 * n / total:5.1f}%  {name}')
        if os.environ.get('PROFILE_FUNCTIONS') == '1':
            for f, k in sorted(funcs.items(), key=lambda kv: -kv[1]):
                print(f'     {k:12,}         {f}')


if __name__ == '__main__':
    main()
