"""Starter code for the Playground: the tutorial's examples, one per section.

Plain text, no torch: the app lists them before PyTorch has loaded. Each one
runs through ``evaluate`` as it stands (the tests check that), except where a
snippet's point is the error it raises and the fixes offered for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.i18n import N_


@dataclass(frozen=True)
class Snippet:
    """A named piece of starter code; ``fails`` marks one whose point is its error."""

    title: str
    """In English (marked for the catalog); ``_(snippet.title)`` where it is shown."""
    code: str
    fails: bool = False


SNIPPETS: tuple[Snippet, ...] = (
    Snippet(
        N_("Tensors beside NumPy arrays"),
        """\
x = torch.randn(2, 3)
a = np.random.randn(2, 3)
torch.zeros(2, 3)
np.zeros((2, 3))
torch.eye(3)
np.identity(3)
""",
    ),
    Snippet(
        N_("Matrix products and element-wise *"),
        """\
A = torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
B = torch.tensor([[2, 3], [2, 3], [2, 3]])
A @ B
torch.mm(A, B)
A * 2
B * B
""",
    ),
    Snippet(
        N_("Torch and NumPy share memory"),
        """\
a = np.ones(3)
t = torch.from_numpy(a)
t.add_(1)
a
b = t.numpy()
""",
    ),
    Snippet(
        N_("Derivatives with autograd"),
        """\
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
y.backward()
x.grad
""",
    ),
    Snippet(
        N_("A single layer and its shape error"),
        """\
torch.manual_seed(7)
inputs = torch.randn((1, 10))
w1 = torch.randn_like(inputs)
b1 = torch.randn((1, 1))
torch.sigmoid(torch.matmul(inputs, w1) + b1)
""",
        fails=True,
    ),
    Snippet(
        N_("A network of nn.Linear layers"),
        """\
net = nn.Sequential(nn.Linear(10, 20), nn.Linear(20, 20), nn.Linear(20, 10))
x = torch.randn(1, 10)
net(x)
net[0].weight.shape
""",
    ),
    Snippet(
        N_("A training loop with torch.optim"),
        """\
x = torch.linspace(-1, 1, 100).unsqueeze(1)
y = 3 * x + 0.5
model = nn.Linear(1, 1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = nn.MSELoss()
for step in range(200):
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
print(f"loss {loss.item():.6f}")
print(model.weight.item(), model.bias.item())
""",
    ),
)
