#!/usr/bin/python3
"""PyTorch's side of the bench's exercise slice (bench/trainer-slice.ts): the same tokenized tweets
(written by the TypeScript side with --data-out), the same model shape (distilbert-base-uncased's
config, random weights), the notebook's settings (batch 16, an evaluation and a checkpoint at the
epoch's end, the best model reloaded at the end), and beside it the bare training step of its own
loop (forward, backward, clip_grad_norm_(1.0), torch.optim.AdamW), measured before and after.

With transformers and accelerate (pip's torch: bench/run.ts makes the venv), the epoch runs
through Hugging Face transformers' own Trainer (at most 2 checkpoints). Without them (Debian's
python3-torch, OpenBLAS: the same kernels as the native backend), through the Trainer's work
written as a plain PyTorch loop on bench/pytorch_distilbert.py's DistilBERT: shuffled batches
collated into tensors, the step above with a linear learning-rate schedule, the evaluation
(argmax accuracy), a checkpoint of model, optimizer and schedule with torch.save, the best model
loaded back. Prints one JSON line.
"""
import argparse
import json
import os
import resource
import sys
import tempfile
import time
import shutil

try:
    import torch
    import torch.nn.functional as F
except ImportError as err:
    print(json.dumps({"error": f"{err}: apt-get install python3-torch, or pip install torch transformers accelerate"}))
    sys.exit(0)
try:
    import numpy as np
    import transformers
    from transformers import (AutoConfig, AutoModelForSequenceClassification, AutoTokenizer, Trainer,
                              TrainerCallback, TrainingArguments)
except ImportError:
    transformers = None

BATCH = 16


def median(xs):
    return sorted(xs)[len(xs) // 2]


class Clock:
    """Wall and CPU seconds of each step, from the end of the one before (all the loop does between steps counts)."""

    def __init__(self):
        self.steps, self.cpu, self.marks, self.t, self.c = [], [], {}, 0.0, 0.0

    def begin(self):
        if not self.steps:
            self.t, self.c = time.perf_counter(), time.process_time()

    def end(self):
        self.marks["last_step"] = time.perf_counter()
        self.steps.append(self.marks["last_step"] - self.t)
        self.cpu.append(time.process_time() - self.c)
        self.t, self.c = self.marks["last_step"], time.process_time()

    def mark(self, name):
        self.marks[name] = time.perf_counter()


def hf_epoch(model, tokenizer, train, validation, clock, out_dir):
    class Rows(torch.utils.data.Dataset):
        def __init__(self, cols):
            self.cols = cols

        def __len__(self):
            return len(self.cols["label"])

        def __getitem__(self, i):
            return {"input_ids": self.cols["input_ids"][i], "attention_mask": self.cols["attention_mask"][i], "labels": self.cols["label"][i]}

    class Marks(TrainerCallback):
        def on_step_begin(self, args, state, control, **kw):
            clock.begin()

        def on_step_end(self, args, state, control, **kw):
            clock.end()

        def on_evaluate(self, args, state, control, **kw):
            clock.mark("evaluated")

        def on_save(self, args, state, control, **kw):
            clock.mark("saved")

    def accuracy(prediction):
        logits, labels = prediction
        return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}

    args = TrainingArguments(output_dir=out_dir, num_train_epochs=1, per_device_train_batch_size=BATCH, per_device_eval_batch_size=BATCH,
                             eval_strategy="epoch", save_strategy="epoch", logging_strategy="epoch", load_best_model_at_end=True,
                             save_total_limit=2, report_to="none", use_cpu=True, dataloader_num_workers=0, disable_tqdm=True)
    trainer = Trainer(model=model, args=args, train_dataset=Rows(train), eval_dataset=Rows(validation), processing_class=tokenizer,
                      compute_metrics=accuracy, callbacks=[Marks()])
    return trainer.train().metrics["train_runtime"]


def plain_epoch(model, train, validation, clock, out_dir):
    """One epoch of what the Trainer does, in plain PyTorch."""
    started = time.perf_counter()
    n = len(train["label"])
    steps = (n + BATCH - 1) // BATCH
    optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: max(0.0, (steps - s) / steps))
    order = torch.randperm(n).tolist()
    model.train()
    total_loss = 0.0
    for s in range(steps):
        clock.begin()
        rows = order[s * BATCH:(s + 1) * BATCH]
        ids = torch.tensor([train["input_ids"][i] for i in rows])
        mask = torch.tensor([train["attention_mask"][i] for i in rows])
        labels = torch.tensor([train["label"][i] for i in rows])
        loss = F.cross_entropy(model(ids, mask), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad(set_to_none=True)
        total_loss += loss.item()
        clock.end()
    model.eval()
    correct = 0
    with torch.no_grad():
        for b in range(0, len(validation["label"]), BATCH):
            logits = model(torch.tensor(validation["input_ids"][b:b + BATCH]), torch.tensor(validation["attention_mask"][b:b + BATCH]))
            correct += int((logits.argmax(-1) == torch.tensor(validation["label"][b:b + BATCH])).sum())
    accuracy = correct / len(validation["label"])
    clock.mark("evaluated")
    checkpoint = os.path.join(out_dir, f"checkpoint-{steps}")
    os.makedirs(checkpoint)
    torch.save(model.state_dict(), os.path.join(checkpoint, "pytorch_model.bin"))
    torch.save(optimizer.state_dict(), os.path.join(checkpoint, "optimizer.pt"))
    torch.save(schedule.state_dict(), os.path.join(checkpoint, "scheduler.pt"))
    with open(os.path.join(checkpoint, "trainer_state.json"), "w") as f:
        json.dump({"global_step": steps, "train_loss": total_loss / steps, "eval_accuracy": accuracy, "best_model_checkpoint": checkpoint}, f)
    clock.mark("saved")
    model.load_state_dict(torch.load(os.path.join(checkpoint, "pytorch_model.bin")))
    return time.perf_counter() - started


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True)
    p.add_argument("--hub", required=True)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with open(a.data) as f:
        data = json.load(f)
    repo = os.path.join(a.hub, "distilbert", "distilbert-base-uncased")
    train, validation = data["train"], data["validation"]
    if transformers:
        tokenizer = AutoTokenizer.from_pretrained(repo)
        model = AutoModelForSequenceClassification.from_config(AutoConfig.from_pretrained(repo, num_labels=4))
        name = f"transformers {transformers.__version__} Trainer, {type(model).__name__}"

        def loss_of(ids, mask, labels):
            return model(input_ids=ids, attention_mask=mask, labels=labels).loss
    else:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from pytorch_distilbert import DistilBert
        with open(os.path.join(repo, "config.json")) as f:
            model = DistilBert(json.load(f), 4)
        name = "plain PyTorch loop doing the Trainer's work, plain DistilBert (no transformers)"

        def loss_of(ids, mask, labels):
            return F.cross_entropy(model(ids, mask), labels)

    bare_cpu = []

    def bare_steps(count):
        optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.0)
        model.train()
        times = []
        for s in range(count + 1):
            t0, c0 = time.perf_counter(), time.process_time()
            rows = slice(s * BATCH, (s + 1) * BATCH)
            loss = loss_of(torch.tensor(train["input_ids"][rows]), torch.tensor(train["attention_mask"][rows]), torch.tensor(train["label"][rows]))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
            float(loss.detach())
            if s > 0:
                times.append(time.perf_counter() - t0)
                bare_cpu.append(time.process_time() - c0)
        return times

    before = bare_steps((a.steps + 1) // 2)
    out_dir = tempfile.mkdtemp(prefix="tt-slice-torch-")
    clock = Clock()
    try:
        t0 = time.perf_counter()
        runtime = hf_epoch(model, tokenizer, train, validation, clock, out_dir) if transformers else plain_epoch(model, train, validation, clock, out_dir)
        total = time.perf_counter() - t0
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    after = bare_steps(a.steps // 2)
    m = clock.marks
    bare = before + after
    print(json.dumps({
        "torch": torch.__version__, "transformers": transformers.__version__ if transformers else None, "threads": torch.get_num_threads(),
        "model": name, "batch": BATCH, "steps": len(clock.steps),
        "bare_times": bare, "bare_step_s": median(bare),
        "bare_cpu_s": median(bare_cpu), "trainer_step_cpu_s": median(clock.cpu[1:]),
        "trainer_step_times": clock.steps, "trainer_step_s": median(clock.steps[1:]),
        "eval_rows": len(validation["label"]), "eval_s": m["evaluated"] - m["last_step"], "save_s": m["saved"] - m["evaluated"],
        "end_s": total - (m["saved"] - t0), "train_runtime": runtime,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
