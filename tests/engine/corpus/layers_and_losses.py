import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
images = torch.randn(2, 3, 8, 8)
conv = nn.Conv2d(3, 4, kernel_size=3, stride=1, padding=1)
pool = nn.MaxPool2d(2)
features = pool(F.relu(conv(images)))
print(features.shape)
print(nn.AvgPool2d(2)(features).shape, F.avg_pool2d(features, 2).shape)
bn2 = nn.BatchNorm2d(4)
print(bn2(features).mean().item() < 1e-5)
print(bn2)

flat = nn.Flatten()(features)
print(flat.shape)
head = nn.Sequential(nn.Linear(64, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Dropout(0.25), nn.Linear(16, 3))
head.eval()
scores = head(flat)
print(scores)
head.train()
print(head.training, head[3])

embedding = nn.Embedding(10, 3)
words = torch.tensor([[1, 2, 4, 5], [4, 3, 2, 9]])
print(embedding(words).shape)
print(embedding.weight.shape)

logits = torch.randn(4, 3, requires_grad=True)
labels = torch.tensor([0, 2, 1, 2])
ce = nn.CrossEntropyLoss()
loss = ce(logits, labels)
loss.backward()
print(loss, logits.grad)
print(F.cross_entropy(logits, labels).item() == loss.item())
probabilities = torch.softmax(torch.randn(4, 3), dim=1)
print(nn.CrossEntropyLoss()(logits, probabilities))
log_probs = F.log_softmax(logits, dim=1)
print(nn.NLLLoss()(log_probs, labels), F.nll_loss(log_probs, labels))

predictions = torch.sigmoid(torch.randn(5))
targets = torch.tensor([1.0, 0.0, 1.0, 1.0, 0.0])
print(nn.BCELoss()(predictions, targets))
print(nn.BCEWithLogitsLoss()(torch.randn(5), targets))
print(F.binary_cross_entropy(predictions, targets))
print(nn.L1Loss()(predictions, targets), F.l1_loss(predictions, targets))
print(nn.MSELoss(reduction="none")(predictions, targets))
print(nn.Sigmoid()(torch.tensor([0.0, 2.0])), nn.Tanh()(torch.tensor([0.5])))
print(nn.Softmax(dim=0)(torch.tensor([1.0, 2.0, 3.0])))
print(F.softmax(torch.tensor([1.0, 2.0]), dim=0), F.leaky_relu(torch.tensor([-1.0, 1.0]), 0.1))
print(F.dropout(torch.ones(4), p=0.5, training=False))
print(F.one_hot(torch.tensor([0, 2]), num_classes=3))
print(F.pad(torch.ones(2, 2), (1, 1)))
print(F.mse_loss(torch.ones(3), torch.zeros(3)), F.smooth_l1_loss(torch.ones(3), torch.zeros(3)))

model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
inputs = torch.randn(16, 4)
classes = torch.randint(0, 3, (16,))
for epoch in range(200):
    optimizer.zero_grad()
    loss = F.cross_entropy(model(inputs), classes)
    loss.backward()
    optimizer.step()
    if epoch % 50 == 0:
        print(f"epoch {epoch}: loss {loss.item():.4f}")
with torch.no_grad():
    accuracy = (model(inputs).argmax(dim=1) == classes).float().mean()
print(f"accuracy: {accuracy:.2%}")
print(optimizer.param_groups[0]["lr"], optimizer.param_groups[0]["betas"])
sgd = torch.optim.SGD(
    [{"params": model[0].parameters()}, {"params": model[2].parameters(), "lr": 0.1}], lr=0.01, momentum=0.9
)
print(len(sgd.param_groups), sgd.param_groups[1]["lr"], sgd.param_groups[0]["momentum"])
for group in sgd.param_groups:
    group["lr"] = group["lr"] * 0.5
print([group["lr"] for group in sgd.param_groups])
scheduler = torch.optim.lr_scheduler.StepLR(sgd, step_size=1, gamma=0.1)
sgd.step()
scheduler.step()
print(scheduler.get_last_lr())
