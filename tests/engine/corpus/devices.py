import numpy as np
import torch
from torch import nn

print(torch.__version__, np.__version__)
print(torch.cuda.is_available(), torch.cuda.device_count())
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, device.type)
x = torch.ones(2, 2, device=device)
print(x.device, x.is_cuda)
y = x.to(device)
z = x.to("cpu", torch.float64)
print(y.device, z.dtype, x.cpu().device, x.to(dtype=torch.int32).dtype)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(2, 1)

    def forward(self, x):
        return self.layer(x)


net = TinyNet().to(device)
print(net(x).shape, next(net.parameters()).device)
print(net.cpu() is net, net.to(torch.float64).layer.weight.dtype)
print(torch.device("cpu") == torch.device("cpu"), str(device))
