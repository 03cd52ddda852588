"""Gradients that are themselves recorded: what makes a tape inside a tape give second derivatives.

An op that supports higher-order gradients sets `op = (key, inputs)` on the Tensor
it returns (its Tensor inputs, in order, are the Tensor's parents). `RULES[key]`
then gives the inputs' gradients written with `minikeras.ops`,
so that, given recorded inputs, the gradient computation is recorded too.
`backward_recorded` is the backward pass `GradientTape.gradient` runs while
another tape is active: it uses these rules, and for an op without one it
computes the usual NumPy gradient and returns a tensor that refuses to be
differentiated again (so a second derivative is never silently wrong).
"""

from __future__ import annotations

import heapq

import numpy as np

from minikeras.backend.autodiff import Tensor, _recorded_backward, value_of


def _ops():
    from minikeras import ops

    return ops


def _unbroadcast(g, shape):
    """`g` summed back to `shape` over broadcast axes, recorded."""
    o = _ops()
    gshape = np.shape(value_of(g))
    if gshape == tuple(shape):
        return g
    extra = len(gshape) - len(shape)
    if extra:
        g = o.sum(g, axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and np.shape(value_of(g))[i] != 1)
    if axes:
        g = o.sum(g, axis=axes, keepdims=True)
    return o.reshape(g, tuple(shape))


def _shape(x):
    return np.shape(value_of(x))


def _binary(vjp_a, vjp_b):
    def rule(g, out, a, b):
        return (
            _unbroadcast(vjp_a(g, a, b, out), _shape(a)),
            _unbroadcast(vjp_b(g, a, b, out), _shape(b)),
        )

    return rule


def _power_base(g, a, b, out):
    return g * b * _ops().power(a, b - 1)


def _power_exponent(g, a, b, out):
    o = _ops()
    av = value_of(a)
    return g * out * o.log(o.where(np.asarray(av) > 0, a, np.ones_like(av)))


def _expand(g, shape, axis, keepdims):
    """A reduced gradient broadcast back over `shape`, recorded."""
    o = _ops()
    if not keepdims and axis is not None:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        axes = tuple(a % len(shape) for a in axes)
        g = o.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape)))
    return o.multiply(g, np.ones(shape, dtype=np.asarray(value_of(g)).dtype))


def _reduced_count(shape, axis):
    if axis is None:
        return int(np.prod(shape))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return int(np.prod([shape[a] for a in axes]))


def _matmul_rule(g, out, a, b):
    o = _ops()
    if len(_shape(a)) < 2 or len(_shape(b)) < 2:
        raise NotImplementedError("matmul of a vector")
    ga = o.matmul(g, o.swapaxes(b, -1, -2))
    gb = o.matmul(o.swapaxes(a, -1, -2), g)
    return _unbroadcast(ga, _shape(a)), _unbroadcast(gb, _shape(b))


def _dense_rule(g, out, x, kernel, bias):
    o = _ops()
    d, u = _shape(kernel)
    gx = o.matmul(g, o.transpose(kernel))
    x2 = o.reshape(x, (-1, d))
    g2 = o.reshape(g, (-1, u))
    gk = o.matmul(o.transpose(x2), g2)
    gb = None if bias is None else o.sum(g2, axis=0)
    return gx, gk, gb


def _where_rule(g, out, a, b, cond):
    zero = np.zeros((), dtype=np.asarray(value_of(g)).dtype)
    o = _ops()
    return (
        _unbroadcast(o.where(cond, g, zero), _shape(a)),
        _unbroadcast(o.where(cond, zero, g), _shape(b)),
        None,
    )


def _scatter(g, key, shape):
    """`zeros(shape)` with `g` added at `key` (getitem's gradient), recorded."""
    gv = np.asarray(value_of(g))
    full = np.zeros(shape, dtype=gv.dtype)
    np.add.at(full, key, gv)
    if not isinstance(g, Tensor):
        return full
    t = Tensor(full, (g,), (lambda h: np.asarray(h)[key],))
    t.op = ("scatter", (g, key))
    return t


RULES = {
    np.add: _binary(lambda g, a, b, o: g, lambda g, a, b, o: g),
    np.subtract: _binary(lambda g, a, b, o: g, lambda g, a, b, o: -g),
    np.multiply: _binary(lambda g, a, b, o: g * b, lambda g, a, b, o: g * a),
    np.true_divide: _binary(lambda g, a, b, o: g / b, lambda g, a, b, o: -g * a / (b * b)),
    np.power: _binary(_power_base, _power_exponent),
    np.negative: lambda g, out, x: (-g,),
    np.square: lambda g, out, x: (g * 2 * x,),
    np.sqrt: lambda g, out, x: (g * 0.5 / out,),
    np.exp: lambda g, out, x: (g * out,),
    np.log: lambda g, out, x: (g / x,),
    np.sin: lambda g, out, x: (g * _ops().cos(x),),
    np.cos: lambda g, out, x: (-g * _ops().sin(x),),
    np.tanh: lambda g, out, x: (g * (1 - out * out),),
    np.abs: lambda g, out, x: (g * np.sign(value_of(x)),),
    "sigmoid": lambda g, out, x: (g * out * (1 - out),),
    "softplus": lambda g, out, x: (g * _ops().sigmoid(x),),
    "softmax": lambda g, out, x, axis: (
        out * (g - _ops().sum(g * out, axis=axis, keepdims=True)),
        None,
    ),
    "log_softmax": lambda g, out, x, axis: (
        g - _ops().exp(out) * _ops().sum(g, axis=axis, keepdims=True),
        None,
    ),
    "relu": lambda g, out, x: (g * (np.asarray(value_of(x)) > 0),),
    "elu": lambda g, out, x, alpha: (
        _ops().where(np.asarray(value_of(x)) > 0, g, g * (out + alpha)),
        None,
    ),
    "sum": lambda g, out, x, axis, keepdims: (_expand(g, _shape(x), axis, keepdims), None, None),
    "mean": lambda g, out, x, axis, keepdims: (
        _expand(g / _reduced_count(_shape(x), axis), _shape(x), axis, keepdims),
        None,
        None,
    ),
    "reshape": lambda g, out, x: (_ops().reshape(g, _shape(x)),),
    "transpose": lambda g, out, x, inv: (_ops().transpose(g, inv), None),
    "matmul": _matmul_rule,
    "where": _where_rule,
    "getitem": lambda g, out, x, key: (_scatter(g, key, _shape(x)), None),
    "scatter": lambda g, out, x, key: (_ops().getitem(g, key), None),
    "dense": _dense_rule,
}


def _name_of(node) -> str:
    op = getattr(node, "op", None)
    if op is not None:
        key = op[0]
        name = key if isinstance(key, str) else getattr(key, "__qualname__", "")
        return name.split(".")[0] or getattr(key, "__name__", "an op")
    vjp = node.vjps[0] if node.vjps else None
    return (getattr(vjp, "__qualname__", "") or "").split(".")[0] or "an op"


def _not_twice_differentiable(name):
    def vjp(g):
        raise NotImplementedError(
            f"Second-order gradients through `{name}` are not supported by minikeras: "
            "only elementwise arithmetic, exp/log/sqrt/sin/cos/tanh/sigmoid/softplus/relu/"
            "elu, softmax/log_softmax, where, indexing, sum, mean, reshape, transpose, matmul "
            "and Dense layers have them. Compute this gradient "
            "with a single GradientTape, or run the script with real TensorFlow."
        )

    return vjp


def _node_grads(node, g):
    """Gradients for `node.parents` (aligned with them), recorded where a rule exists."""
    op = getattr(node, "op", None)
    if op is not None:
        key, inputs = op
        rule = RULES.get(key)
        if rule is not None:
            grads = rule(g, node, *inputs)
            # The Tensor inputs, in order, are the node's parents.
            return [gi for i, gi in zip(inputs, grads) if isinstance(i, Tensor)]
    # No rule: the NumPy gradient, which may not be differentiated again.
    gv = value_of(g)
    out = []
    for vjp in node.vjps:
        gp = vjp(gv)
        if gp is None:
            out.append(None)
            continue
        raiser = _not_twice_differentiable(_name_of(node))
        links = tuple(node.parents) + ((g,) if isinstance(g, Tensor) else ())
        out.append(Tensor(np.asarray(gp), links, tuple(raiser for _ in links)))
    return out


def backward_recorded(root: Tensor, seed, keep: set) -> dict:
    """`autodiff.backward` with every step recorded (for a gradient taken inside a tape)."""
    grads = {id(root): np.ones_like(root.value) if seed is None else seed}
    heap = [(-root.seq, root)]
    kept = {}
    leaves = []
    while heap:
        node = heapq.heappop(heap)[1]
        nid = id(node)
        g = grads.pop(nid)
        if nid in keep:
            kept[nid] = g
        for parent, gp in zip(node.parents, _node_grads(node, g)):
            if gp is None:
                continue
            pid = id(parent)
            prev = grads.get(pid)
            if prev is None:
                grads[pid] = gp
                if parent.parents:
                    heapq.heappush(heap, (-parent.seq, parent))
                else:
                    leaves.append(pid)
            else:
                grads[pid] = _ops().add(prev, gp)
    for pid in leaves:
        if pid in keep:
            kept[pid] = grads[pid]
    return kept


_recorded_backward[:] = [backward_recorded]
