"""A software prefetch usable in Numba kernels: ``prefetch(array, index)``.

Asks the CPU to bring the cache line holding ``array[index]`` close (LLVM's ``llvm.prefetch``,
a read hint with high locality). It changes no value and cannot fault, so a kernel may hint
at what a later step will read, which turns the random-order activations' dependent loads
(agent → its cell → its neighbourhood) into cache hits. ``index`` must lie in the array.
"""

from __future__ import annotations

import llvmlite.binding as llvm
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

# LLVM 15+ names the pointer-overloaded intrinsic by address space only (opaque pointers).
_NAME = "llvm.prefetch.p0" if llvm.llvm_version_info[0] >= 15 else "llvm.prefetch.p0i8"
_READ, _KEEP, _DATA = 0, 3, 1


@intrinsic
def prefetch(typingctx, array, index):
    """Hints that ``array[index]`` will be read soon (no effect on results)."""
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None
    sig = types.void(array, index)

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        index = context.cast(builder, args[1], signature.args[1], types.intp)
        ptr = cgutils.get_item_pointer(context, builder, array_type, view, [index],
                                       wraparound=False)
        byte_ptr = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        fn = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(ir.VoidType(), [byte_ptr, i32, i32, i32]), _NAME
        )
        builder.call(fn, [builder.bitcast(ptr, byte_ptr), i32(_READ), i32(_KEEP), i32(_DATA)])
        return context.get_dummy_value()

    return sig, codegen
