"""A user-written optimizer: RMSprop, on klong.value_and_gradients.

    .pyf("rmsprop";"RMSprop")
    opt::RMSprop(["w" "b"];0.01)
    {opt(loss)}'!300
"""

from klong import value_and_gradients


class RMSprop:
    def __init__(self, klong, names, lr=0.01, decay=0.9, eps=1e-8):
        self.k, self.names = klong, list(names)
        self.lr, self.decay, self.eps = lr, decay, eps
        self.avg = None  # running mean of squared gradients, one per parameter

    def __call__(self, loss):
        k = self.k
        value, grads = value_and_gradients(k, k.to_klong(loss), self.names)
        if self.avg is None:
            self.avg = [g * 0.0 for g in grads]
        sqrt = k.backend.math
        for i, (n, g) in enumerate(zip(self.names, grads)):
            self.avg[i] = self.decay * self.avg[i] + (1 - self.decay) * g * g
            k.globals[n] = k.globals[n] - self.lr * g / (sqrt("sqrt", self.avg[i]) + self.eps)
        return value
