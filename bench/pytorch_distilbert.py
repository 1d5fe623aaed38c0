#!/usr/bin/python3
"""PyTorch baseline for `npm run bench`: a plain DistilBERT for sequence classification, or a
BERT / RoBERTa of the config's shape (`model_type` "bert" or "roberta").

Same shapes as the TypeScript bench (the config.json given, random weights),
same work: one training step = forward + cross-entropy + backward + AdamW update, and inference =
forward in eval mode without gradients. Prints one JSON object on stdout.

Needs Debian's PyTorch with OpenBLAS (nothing is installed by the bench):
    apt-get install python3-torch libopenblas0-pthread
Without libopenblas0-pthread PyTorch runs on the reference BLAS (many times slower); the JSON
says which BLAS was loaded ("blas").
"""
import argparse
import json
import math
import resource
import sys
import time

try:
    import torch
    from torch import nn
    import torch.nn.functional as F
except ImportError:
    print(json.dumps({"error": "python3-torch is not installed: apt-get install python3-torch libopenblas0-pthread"}))
    sys.exit(0)


class Layer(nn.Module):
    """Post-LayerNorm layer; BERT drops out the attention's output too (DistilBERT does not)."""

    def __init__(self, dim, hidden, heads, dropout, attn_dropout, eps=1e-12, attn_out_dropout=0.0):
        super().__init__()
        self.heads = heads
        self.q_lin = nn.Linear(dim, dim)
        self.k_lin = nn.Linear(dim, dim)
        self.v_lin = nn.Linear(dim, dim)
        self.out_lin = nn.Linear(dim, dim)
        self.sa_layer_norm = nn.LayerNorm(dim, eps=eps)
        self.lin1 = nn.Linear(dim, hidden)
        self.lin2 = nn.Linear(hidden, dim)
        self.output_layer_norm = nn.LayerNorm(dim, eps=eps)
        self.dropout = nn.Dropout(dropout)
        self.attn_out_dropout = nn.Dropout(attn_out_dropout)
        self.attn_dropout = nn.Dropout(attn_dropout)

    def forward(self, x, mask):
        b, s, d = x.shape
        h = self.heads
        dh = d // h

        def split(t):
            return t.view(b, s, h, dh).transpose(1, 2)

        q = split(self.q_lin(x)) / math.sqrt(dh)
        k = split(self.k_lin(x))
        v = split(self.v_lin(x))
        scores = torch.matmul(q, k.transpose(2, 3))
        scores = scores.masked_fill((mask == 0).view(b, 1, 1, s), torch.finfo(scores.dtype).min)
        weights = self.attn_dropout(F.softmax(scores, dim=-1))
        ctx = torch.matmul(weights, v).transpose(1, 2).reshape(b, s, d)
        x = self.sa_layer_norm(self.attn_out_dropout(self.out_lin(ctx)) + x)
        ffn = self.dropout(self.lin2(F.gelu(self.lin1(x))))
        return self.output_layer_norm(ffn + x)


class DistilBert(nn.Module):
    def __init__(self, cfg, num_labels):
        super().__init__()
        d = cfg["dim"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], d, padding_idx=cfg.get("pad_token_id", 0))
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], d)
        self.emb_layer_norm = nn.LayerNorm(d, eps=1e-12)
        self.dropout = nn.Dropout(cfg["dropout"])
        self.layers = nn.ModuleList(
            Layer(d, cfg["hidden_dim"], cfg["n_heads"], cfg["dropout"], cfg["attention_dropout"])
            for _ in range(cfg["n_layers"])
        )
        self.pre_classifier = nn.Linear(d, d)
        self.classifier = nn.Linear(d, num_labels)
        self.cls_dropout = nn.Dropout(cfg["seq_classif_dropout"])

    def forward(self, input_ids, attention_mask):
        s = input_ids.shape[1]
        pos = torch.arange(s, device=input_ids.device).unsqueeze(0)
        x = self.dropout(self.emb_layer_norm(self.word_embeddings(input_ids) + self.position_embeddings(pos)))
        for layer in self.layers:
            x = layer(x, attention_mask)
        pooled = self.cls_dropout(F.relu(self.pre_classifier(x[:, 0])))
        return self.classifier(pooled)


class Bert(nn.Module):
    """BERT (pooler → classifier) or RoBERTa (positions from pad + 1, dense → tanh → out_proj on <s>)."""

    def __init__(self, cfg, num_labels):
        super().__init__()
        d = cfg["hidden_size"]
        eps = cfg["layer_norm_eps"]
        p = cfg["hidden_dropout_prob"]
        self.roberta = cfg["model_type"] == "roberta"
        self.pad = cfg["pad_token_id"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], d, padding_idx=self.pad)
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], d, padding_idx=self.pad if self.roberta else None)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], d)
        self.emb_layer_norm = nn.LayerNorm(d, eps=eps)
        self.dropout = nn.Dropout(p)
        self.layers = nn.ModuleList(
            Layer(d, cfg["intermediate_size"], cfg["num_attention_heads"], p, cfg["attention_probs_dropout_prob"], eps, p)
            for _ in range(cfg["num_hidden_layers"])
        )
        self.dense = nn.Linear(d, d)  # BERT's pooler, RoBERTa's classifier.dense
        self.classifier = nn.Linear(d, num_labels)

    def forward(self, input_ids, attention_mask):
        s = input_ids.shape[1]
        if self.roberta:
            real = (input_ids != self.pad).long()
            pos = torch.cumsum(real, dim=1) * real + self.pad
        else:
            pos = torch.arange(s, device=input_ids.device).unsqueeze(0)
        types = torch.zeros_like(input_ids)
        emb = self.word_embeddings(input_ids) + self.position_embeddings(pos) + self.token_type_embeddings(types)
        x = self.dropout(self.emb_layer_norm(emb))
        for layer in self.layers:
            x = layer(x, attention_mask)
        if self.roberta:
            return self.classifier(self.dropout(torch.tanh(self.dense(self.dropout(x[:, 0])))))
        return self.classifier(self.dropout(torch.tanh(self.dense(x[:, 0]))))


def blas_in_use():
    """Which BLAS shared object this process mapped (after a matmul has run)."""
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            path = line.split()[-1]
            name = path.rsplit("/", 1)[-1]
            if "blas" in name or "mkl" in name:
                libs.add(path)
    if any("openblas" in p for p in libs):
        return "openblas", sorted(libs)
    if any("mkl" in p for p in libs):
        return "mkl", sorted(libs)
    if libs:
        return "reference", sorted(libs)
    return "unknown", []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=60)
    ap.add_argument("--labels", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--train-steps", type=int, default=3)
    ap.add_argument("--infer-steps", type=int, default=5)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    with open(args.config) as f:
        cfg = json.load(f)
    model = (DistilBert if cfg.get("model_type", "distilbert") == "distilbert" else Bert)(cfg, args.labels)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.0)
    ids = torch.randint(cfg.get("pad_token_id", 0) + 1, cfg["vocab_size"], (args.batch, args.seq))
    mask = torch.ones(args.batch, args.seq, dtype=torch.long)
    labels = torch.randint(0, args.labels, (args.batch,))

    def train_step():
        model.train()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids, mask), labels)
        loss.backward()
        opt.step()
        return loss.item()

    def infer_step():
        model.eval()
        with torch.no_grad():
            return model(ids, mask).sum().item()

    def timed(fn, warmup, steps):
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return times

    train_times = timed(train_step, args.warmup, args.train_steps)
    infer_times = timed(infer_step, args.warmup, args.infer_steps)
    train_s = sum(train_times) / len(train_times)
    infer_s = sum(infer_times) / len(infer_times)
    blas, libs = blas_in_use()
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "blas": blas,
        "blas_libs": libs,
        "params": sum(p.numel() for p in model.parameters()),
        "batch": args.batch,
        "seq": args.seq,
        "train_times": train_times,
        "infer_times": infer_times,
        "train_step_s": train_s,
        "train_samples_per_s": args.batch / train_s,
        "infer_batch_s": infer_s,
        "infer_samples_per_s": args.batch / infer_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
