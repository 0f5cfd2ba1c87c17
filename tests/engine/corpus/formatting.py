import math
import torch

print(math.pi, math.e, math.sqrt(2), math.exp(1), math.log(10), math.cos(0))
print(math.floor(2.7), math.ceil(2.1), math.tau, math.inf, math.isclose(0.1 + 0.2, 0.3))
print(math.sin(math.pi / 2), math.tanh(0.5), math.pow(2, 10), math.log2(8), math.log10(1000))
print(math.factorial(5), math.fabs(-3), math.isnan(float("nan")), math.hypot(3, 4))
loss = 0.123456789
step = 42
print("step {} loss {:.3f}".format(step, loss))
print("step {0:>5} loss {1:8.4f} again {0}".format(step, loss))
print("{:,}".format(1234567), "{:e}".format(12345.678), "{:%}".format(0.25))
print("%d: %.2f" % (step, loss))
print("%s and %r" % ("text", "text"))
print("%5.1f%%" % 99.5)
print(f"{step:04d} {loss:.2e} {loss!r} {'x':>4}|")
t = torch.tensor([1.5, 2.5])
print("values: {}".format(t))
print(f"mean {t.mean():.3f}, first {t[0]:.1f}")
print("%.4f" % t.sum().item())
print("total: " + str(t.sum().item()), str(3), repr("a"))
print(", ".join(["a", "b", "c"]), "a-b".split("-"), "x".join("12"), "  pad ".strip())
print("{} {}".format(*["one", "two"]), "abc".replace("b", "B"), "Loss".ljust(6) + "|", "7".zfill(3))
print(round(3.14159, 2), abs(-2), min(3, 1, 2), max([4, 5]), sum([1, 2, 3]), divmod(7, 2), pow(2, 5))
names = ["w", "b"]
for i, name in enumerate(names):
    print(i, name)
print(*range(3), sep=", ")
print(list(zip([1, 2], ["a", "b"])), sorted([3, 1, 2], reverse=True), list(reversed([1, 2, 3])))
print(any([False, True]), all([True, False]), len("four"), isinstance(t, torch.Tensor), type(1.0))
