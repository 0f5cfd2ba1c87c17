import torch
import numpy as np
import torch.nn as nn

print(torch.randn(2, 3).shape, np.random.randn(2, 3).shape)
print(torch.zeros(2, 3))
print(np.zeros((2, 3)))
print(torch.ones(2, 3))
print(np.ones((2, 3)))
print(torch.eye(3))
print(np.identity(3))

A = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
B = np.array([[2, 3], [2, 3], [2, 3]])
print(np.dot(A, B))
print(np.matmul(A, B))
print(A @ B)
A_t = torch.tensor(A)
B_t = torch.tensor(B)
print(torch.mm(A_t, B_t))
print(torch.matmul(A_t, B_t))
print(np.multiply(A, 2))
print(A_t * 2)

a = np.ones(5)
b = torch.from_numpy(a)
np.add(a, 1, out=a)
print(a)
print(b)
c = b.numpy()
print(c, c.dtype)

x = torch.tensor(2.0, requires_grad=True)
z = x
z.backward()
print(x.grad)
x = torch.tensor(2.0, requires_grad=True)
z = x ** 2
z.backward()
print(x.grad)
x = torch.tensor(2.0, requires_grad=True)
z = x ** 3
z.backward()
print(x.grad)

torch.manual_seed(7)
inputs = torch.randn((1, 10))
w1 = torch.randn_like(inputs)
b1 = torch.randn((1, 1))
print(torch.sigmoid(torch.matmul(inputs, w1.reshape(10, 1)) + b1))
print(torch.sigmoid(torch.matmul(inputs, w1.view(10, 1)) + b1))
w1.resize_(10, 1)
print(torch.sigmoid(torch.matmul(inputs, w1) + b1))


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.fc1 = nn.Linear(10, 20)
        self.fc2 = nn.Linear(20, 20)
        self.output = nn.Linear(20, 10)

    def forward(self, x):
        x = self.fc1(x)
        x = self.fc2(x)
        x = self.output(x)
        return x


model = Net()
print(model)
print(sum(p.numel() for p in model.parameters()))
print(model(torch.randn(1, 10)).shape)
