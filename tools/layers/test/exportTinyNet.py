"""
Exports tools/layers/test/data/tinynet.onnx, a small real PyTorch CNN, and tinynet.shapes.json, the
shapes PyTorch itself saw at every Conv / ConvTranspose module (recorded with forward hooks while the
exporter traced the model). The tests of `--layers-from` compare convspec's resolved layers with these
shapes, so the expected values come from PyTorch, never from convspec.

Run: /usr/bin/python3 tools/layers/test/exportTinyNet.py   (torch 1.13 CPU; deterministic: seed 0)
"""
import json
import os

import torch
from torch import nn

torch.manual_seed(0)
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        # stem: stride 2, pad 1, no bias
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False)
        self.pool = nn.MaxPool2d(2)
        # residual block: 3x3 pad 1, then dilation 2 pad 2 (with bias)
        self.res1 = nn.Conv2d(16, 16, 3, padding=1)
        self.res2 = nn.Conv2d(16, 16, 3, padding=2, dilation=2)
        # BatchNormalization after the residual Add (not foldable into a conv)
        self.bn = nn.BatchNorm2d(16)
        # depthwise + pointwise branch
        self.dw = nn.Conv2d(16, 16, 3, padding=1, groups=16)
        self.pw = nn.Conv2d(16, 24, 1, bias=False)
        # grouped branch, asymmetric kernel
        self.grouped = nn.Conv2d(16, 8, (3, 1), padding=(1, 0), groups=4)
        # decoder: ConvTranspose stride 2 with output_padding
        self.up = nn.ConvTranspose2d(32, 8, 3, stride=2, padding=1, output_padding=1)
        # a second ConvTranspose, 2x2/2 with groups
        self.up2 = nn.ConvTranspose2d(8, 4, 2, stride=2, groups=2, bias=False)
        # 1-D head over the flattened spatial axis
        self.head = nn.Conv1d(4, 6, 5, stride=2, padding=2)

    def forward(self, x):
        x = self.pool(torch.relu(self.stem(x)))
        r = torch.relu(self.res1(x))
        x = self.bn(x + self.res2(r))
        a = torch.relu(self.pw(self.dw(x)))
        b = self.grouped(x)
        x = torch.cat([a, b], dim=1)
        x = torch.relu(self.up(x))
        x = torch.sigmoid(self.up2(x))
        x = torch.flatten(x, 2)
        return self.head(x)


def main():
    net = TinyNet().eval()
    # Non-trivial BatchNorm statistics, so the BN node carries real values.
    with torch.no_grad():
        net.bn.running_mean.uniform_(-0.5, 0.5)
        net.bn.running_var.uniform_(0.5, 1.5)
    records = []

    def hook(name):
        def fn(module, inputs, output):
            records.append({
                'module': name,
                'op': 'ConvTranspose' if isinstance(module, (nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)) else 'Conv',
                'x': [int(d) for d in inputs[0].shape],
                'w': [int(d) for d in module.weight.shape],
                'bias': module.bias is not None,
                'y': [int(d) for d in output.shape],
            })
        return fn

    handles = [m.register_forward_hook(hook(name)) for name, m in net.named_modules()
               if isinstance(m, (nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d, nn.ConvTranspose2d))]
    x = torch.rand(1, 3, 32, 32) * 2 - 1
    # One plain forward pass records the shapes (in execution order); the hooks go before exporting.
    with torch.no_grad():
        net(x)
    for h in handles:
        h.remove()
    os.makedirs(HERE, exist_ok=True)
    torch.onnx.export(net, x, os.path.join(HERE, 'tinynet.onnx'), opset_version=13,
                      input_names=['image'], output_names=['logits'],
                      dynamic_axes={'image': {0: 'batch'}, 'logits': {0: 'batch'}})
    with open(os.path.join(HERE, 'tinynet.shapes.json'), 'w') as f:
        json.dump({'torch': torch.__version__, 'input': [int(d) for d in x.shape], 'layers': records}, f)
        f.write('\n')


if __name__ == '__main__':
    main()
