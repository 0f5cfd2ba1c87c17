import torch
from torch import nn

torch.manual_seed(0)
features = torch.randn(256, 8)
labels = (features[:, 0] + features[:, 1] > 0).long()
train_x, train_y = features[:192], labels[:192]
test_x, test_y = features[192:], labels[192:]

learning_rate = 1e-2
batch_size = 32
epochs = 3


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8, 16),
            nn.ReLU(),
            nn.Linear(16, 2),
        )

    def forward(self, x):
        return self.linear_relu_stack(x)


def batches(x, y, size):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]


def train_loop(data, model, loss_fn, optimizer):
    size = len(train_x)
    model.train()
    for batch, (X, y) in enumerate(data):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 2 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(data, model, loss_fn):
    model.eval()
    size = len(test_x)
    num_batches = len(data)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in data:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")


model = NeuralNetwork()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(batches(train_x, train_y, batch_size), model, loss_fn, optimizer)
    test_loop(batches(test_x, test_y, batch_size), model, loss_fn)
print("Done!")
print(model.state_dict()["linear_relu_stack.0.bias"].shape)
print(list(model.state_dict().keys()))

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
loss.backward()
print(w.grad.shape, b.grad.shape, z.type(), x.type(torch.int32).dtype)
