"""Backpropagation: the chain rule one number at a time (core of pages/backpropagation.py).

``graph`` is the scalar computational graph and its backward pass, step by step; ``neuron``
the lecture's one-neuron example on it; ``typed`` a graph from a typed f(a, b, c);
``network`` a small network's backward pass layer by layer (vector × Jacobian); ``cost``
the time of a gradient by backpropagation against finite differences; ``depth`` the words
for the gradients through a deep stack, measured by core.initialisation's probe.
"""
