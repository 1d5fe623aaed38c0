#!/usr/bin/python3
"""PyTorch's side of the bench's exercise slice (bench/trainer-slice.ts): the same tokenized tweets
(written by the TypeScript side with --data-out), the same model shape (distilbert-base-uncased's
config, random weights), Hugging Face transformers' own Trainer with the notebook's settings
(batch 16, an evaluation and a checkpoint at the epoch's end, the best model reloaded at the end,
at most 2 checkpoints), and beside it the bare training step of its own loop (forward, backward,
clip_grad_norm_(1.0), torch.optim.AdamW), measured before and after the Trainer. Prints one JSON
line. Needs transformers and accelerate (bench/run.ts makes the venv).
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
    import numpy as np
    import torch
    from transformers import (AutoConfig, AutoModelForSequenceClassification, AutoTokenizer, Trainer,
                              TrainerCallback, TrainingArguments)
    import transformers
except ImportError as err:
    print(json.dumps({"error": f"{err}: pip install torch transformers accelerate"}))
    sys.exit(0)


class Rows(torch.utils.data.Dataset):
    def __init__(self, cols):
        self.cols = cols

    def __len__(self):
        return len(self.cols["label"])

    def __getitem__(self, i):
        return {"input_ids": self.cols["input_ids"][i], "attention_mask": self.cols["attention_mask"][i], "labels": self.cols["label"][i]}


class Marks(TrainerCallback):
    def __init__(self):
        self.steps, self.marks, self.t = [], {}, 0.0

    # A step: from the end of the one before (all the loop does between steps counts), the first from its start.
    def on_step_begin(self, args, state, control, **kw):
        if not self.steps:
            self.t = time.perf_counter()

    def on_step_end(self, args, state, control, **kw):
        self.marks["last_step"] = time.perf_counter()
        self.steps.append(self.marks["last_step"] - self.t)
        self.t = self.marks["last_step"]

    def on_evaluate(self, args, state, control, **kw):
        self.marks["evaluated"] = time.perf_counter()

    def on_save(self, args, state, control, **kw):
        self.marks["saved"] = time.perf_counter()


def accuracy(prediction):
    logits, labels = prediction
    return {"accuracy": float((np.argmax(logits, axis=-1) == labels).mean())}


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
    tokenizer = AutoTokenizer.from_pretrained(repo)
    config = AutoConfig.from_pretrained(repo, num_labels=4)
    model = AutoModelForSequenceClassification.from_config(config)
    train, validation = data["train"], data["validation"]
    batch = 16

    def bare_steps(count):
        optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.0)
        model.train()
        times = []
        for s in range(count + 1):
            t0 = time.perf_counter()
            rows = slice(s * batch, (s + 1) * batch)
            out = model(input_ids=torch.tensor(train["input_ids"][rows]), attention_mask=torch.tensor(train["attention_mask"][rows]),
                        labels=torch.tensor(train["label"][rows]))
            out.loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            optimizer.zero_grad()
            float(out.loss.detach())
            if s > 0:
                times.append(time.perf_counter() - t0)
        return times

    before = bare_steps((a.steps + 1) // 2)
    out_dir = tempfile.mkdtemp(prefix="tt-slice-torch-")
    try:
        marks = Marks()
        args = TrainingArguments(output_dir=out_dir, num_train_epochs=1, per_device_train_batch_size=batch, per_device_eval_batch_size=batch,
                                 eval_strategy="epoch", save_strategy="epoch", logging_strategy="epoch", load_best_model_at_end=True,
                                 save_total_limit=2, report_to="none", use_cpu=True, dataloader_num_workers=0, disable_tqdm=True)
        trainer = Trainer(model=model, args=args, train_dataset=Rows(train), eval_dataset=Rows(validation), processing_class=tokenizer,
                          compute_metrics=accuracy, callbacks=[marks])
        t0 = time.perf_counter()
        result = trainer.train()
        total = time.perf_counter() - t0
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    after = bare_steps(a.steps // 2)
    m = marks.marks
    bare = before + after
    print(json.dumps({
        "torch": torch.__version__, "transformers": transformers.__version__, "threads": torch.get_num_threads(),
        "model": f"transformers {transformers.__version__} Trainer, {type(model).__name__}",
        "batch": batch, "steps": len(marks.steps),
        "bare_times": bare, "bare_step_s": sorted(bare)[len(bare) // 2],
        "trainer_step_times": marks.steps, "trainer_step_s": sorted(marks.steps[1:])[len(marks.steps[1:]) // 2],
        "eval_rows": len(validation["label"]), "eval_s": m["evaluated"] - m["last_step"], "save_s": m["saved"] - m["evaluated"],
        "end_s": total - (m["saved"] - t0), "train_runtime": result.metrics["train_runtime"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
