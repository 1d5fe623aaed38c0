# Generates the four notebooks (es/en x exercise/solution) from this one spec, so that they never drift
# apart. Run: /usr/bin/python3 scripts/generate-notebooks.py
import functools, json, math, os, re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")

def md(es, en): return ("md", es.strip("\n"), en.strip("\n"))
def code(es, en=None): return ("code", es.strip("\n"), (en if en is not None else es).strip("\n"))
def prompt(es, en): return ("prompt", es.strip("\n"), en.strip("\n"))

# Exercise 4's table of other models: sizes and time per epoch measured by bench/epoch-estimates.ts
# (written to bench/epoch-estimates.json; re-run it and this script to update the notebooks).
EPOCHS_JSON = os.path.join(ROOT, "bench", "epoch-estimates.json")

# Repositories whose main branch has only a pytorch_model.bin of before PyTorch 1.6 (not read): the hub's own safetensors conversion is a pull request.
REVISIONS = {"google/electra-small-discriminator": "refs/pr/2", "cardiffnlp/twitter-roberta-base-sentiment": "refs/pr/4", "dccuchile/bert-base-spanish-wwm-uncased": "refs/pr/1"}
MODEL_NOTES = {
    "distilbert-base-uncased": ("el del ejercicio 2", "the one of exercise 2"),
    "google/electra-small-discriminator": ("**pequeño y rápido: el recomendado en un portátil**", "**small and fast: the one to try on a laptop**"),
    "bert-base-uncased": ("el BERT original", "the original BERT"),
    "distilroberta-base": ("RoBERTa destilado (6 capas)", "distilled RoBERTa (6 layers)"),
    "roberta-base": ("BERT entrenado con más datos y más tiempo", "BERT trained on more data for longer"),
    "cardiffnlp/twitter-roberta-base-sentiment": ("RoBERTa entrenado con 58 millones de tweets y ajustado a sentimiento: **probablemente la mejor exactitud**; `cardiffnlp/twitter-roberta-base-emotion` (4 clases, `refs/pr/2`) necesita además `ignoreMismatchedSizes: true`", "RoBERTa trained on 58 million tweets and fine-tuned on sentiment: **probably the best accuracy**; `cardiffnlp/twitter-roberta-base-emotion` (4 classes, `refs/pr/2`) also needs `ignoreMismatchedSizes: true`"),
    "xlm-roberta-base": ("multilingüe (100 idiomas)", "multilingual (100 languages)"),
    "albert-base-v2": ("capas compartidas: pocos parámetros, pero el cálculo de BERT", "shared layers: few parameters, but BERT's compute"),
    "dccuchile/bert-base-spanish-wwm-uncased": ("BETO, BERT en español (para tweets en español)", "BETO, Spanish BERT (for Spanish tweets)"),
    "PlanTL-GOB-ES/roberta-base-bne": ("RoBERTa en español (Biblioteca Nacional de España)", "Spanish RoBERTa (National Library of Spain)"),
}

def number(x, lang, digits=1):
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "es" else text

def duration(seconds, lang):
    if seconds < 90: return f"≈ {round(seconds)} s"
    minutes = seconds / 60
    if minutes < 10: return f"≈ {number(minutes, lang)} min"
    if minutes < 60: return f"≈ {round(minutes)} min"
    return f"≈ {int(minutes // 60)} h {round(minutes % 60)} min"

def epoch_cell(run, lang):
    if run is None: return "—"
    if "skipped" in run or "WasmHeapError" in run.get("error", ""): return "no cabe en sus 4 GiB" if lang == "es" else "does not fit its 4 GiB"
    if "error" in run: return "—"
    text = duration(run["epoch_s"], lang)
    if run["micro_batch"] < 16: text += " (2 × 8)"
    return text

def model_table(lang):
    with open(EPOCHS_JSON, encoding="utf-8") as f: measured = json.load(f)
    head = ("| modelo | `revision` | parámetros | una época con `native` | con `wasm` | |\n| --- | --- | ---: | ---: | ---: | --- |" if lang == "es"
            else "| model | `revision` | parameters | one epoch on `native` | on `wasm` | |\n| --- | --- | ---: | ---: | ---: | --- |")
    rows = []
    for model_id in MODEL_NOTES:
        run = measured["models"].get(model_id, {})
        params = f"{number(run['params'] / 1e6, lang, 0 if run['params'] >= 2e7 else 1)} M" if "params" in run else "—"
        note = MODEL_NOTES[model_id][0 if lang == "es" else 1]
        revision = f"`{REVISIONS[model_id]}`" if model_id in REVISIONS else ""
        rows.append(f"| `{model_id}` | {revision} | {params} | {epoch_cell(run.get('native'), lang)} | {epoch_cell(run.get('wasm'), lang)} | {note} |")
    loads = {b: [run["load_before"][0]] + [m[b]["load_after"][0] for m in measured["models"].values() if "load_after" in m.get(b, {})]
             for b, run in measured["backends"].items()}
    word = "carga" if lang == "es" else "load"
    when = "; ".join(f"`{b}` {run['date'][:10]}, {word} {number(min(loads[b]), lang, 0)}–{number(max(loads[b]), lang, 0)}" for b, run in measured["backends"].items())
    busy = max(max(l) for l in loads.values()) > 4
    if lang == "es":
        note = (f"*Una época: los 355 tweets de entrenamiento en 23 pasos de 16 tweets rellenados a 60 tokens, evaluar los 40 de validación y guardar un checkpoint. "
                f"Medido con `npx tsx bench/epoch-estimates.ts` en una CPU de 2 núcleos compartida ({when}{'; con tanta carga los tiempos salen varias veces más largos que en un ordenador libre' if busy else ''}): "
                f"cada modelo con la forma de su `config.json` y pesos al azar (el tiempo no depende de los pesos), tweets con las longitudes de los de `stance_climate` y pasos reales del `Trainer`; "
                f"— = no medido; (2 × 8) = el paso de 16 tweets no cupo en los 4 GiB de `wasm` y se hizo en 2 lotes de 8 (`perDeviceTrainBatchSize: 8, gradientAccumulationSteps: 2`, el mismo cálculo). El modelo se salta el relleno, así que con `RAPIDO = true` (48 tokens) tarda casi lo mismo. Ejecútalo en tu ordenador para ver sus tiempos.*")
    else:
        note = (f"*One epoch: the 355 training tweets in 23 steps of 16 tweets padded to 60 tokens, evaluating the 40 validation tweets and saving a checkpoint. "
                f"Measured with `npx tsx bench/epoch-estimates.ts` on a shared 2-core CPU ({when}{'; under such a load times come out several times longer than on an idle computer' if busy else ''}): "
                f"each model with its `config.json`'s shape and random weights (time does not depend on the weights), tweets as long as `stance_climate`'s and real `Trainer` steps; "
                f"— = not measured; (2 × 8) = the step of 16 tweets did not fit `wasm`'s 4 GiB and ran as 2 batches of 8 (`perDeviceTrainBatchSize: 8, gradientAccumulationSteps: 2`, the same computation). The model skips the padding, so with `QUICK = true` (48 tokens) it takes about the same. Run it on your computer to see its times.*")
    return head + "\n" + "\n".join(rows) + "\n\n" + note

# The quick-mode table's times, from the bench's exercise slice (the real Trainer on the real tweets,
# full-size DistilBERT, per backend): `npm run bench -- --json bench/exercise-estimates.json`, then this script.
ESTIMATES_JSON = os.path.join(ROOT, "bench", "exercise-estimates.json")
# Rows of tweet_eval's splits (its dataset card) and the notebooks' two settings.
EMOTION = {"train": 3257, "validation": 374, "test": 1421}
STANCE = {"train": 355, "validation": 40, "test": 169}
MODES = {"quick": {"epochs": 2, "train": 640, "test": 400}, "full": {"epochs": 5, "train": 3257, "test": 1421}}

@functools.cache
def bench_results():
    with open(ESTIMATES_JSON, encoding="utf-8") as f: return json.load(f)

@functools.cache
def load_estimates():
    """Per backend: the Trainer's step, evaluation per tweet, a save, the end of train()."""
    bench = bench_results()
    out = {}
    for backend, run in bench["slice"].items():
        if backend == "pytorch" or "error" in run: continue
        out[backend] = {"step": run["trainer_step_s"], "eval_row": run["eval_s"] / run["eval_rows"], "save": run["save_s"], "end": run["end_s"],
                        "micro_batch": run["micro_batch"], "date": bench["date"], "load": bench["machine"].split("load ")[1].split(",")[0].split()[0]}
    return out

# On the CPU backends the model leaves the padding out (src/models/encoder/row-layout.ts): time follows
# the tweets' own lengths, whatever they are padded or truncated to (48 tokens cut few tweets).
def train_s(e, epochs, rows, validation):
    """A Trainer run with the notebooks' arguments: steps of 16, an evaluation and a checkpoint each epoch, the best model reloaded."""
    return epochs * (math.ceil(rows / 16) * e["step"] + e["eval_row"] * validation + e["save"]) + e["end"]

def notebook_s(e, mode):
    """Seconds up to section 10 (emotion: training, evaluate and predict on test) and for the exercises (stance_climate; exercise 4's
    distilroberta-base costs what DistilBERT does, bench/epoch-estimates.json, and its check scores both models on test; "Train faster"
    trains 3 times more, padded to 60, dynamic, and with groupByLength)."""
    m = MODES[mode]
    infer = lambda rows: e["eval_row"] * rows
    upto10 = train_s(e, m["epochs"], m["train"], EMOTION["validation"]) + 2 * infer(m["test"])
    faster = 3 * (train_s(e, m["epochs"], STANCE["train"], STANCE["validation"]) + infer(STANCE["test"]))
    exercises = (train_s(e, 5, STANCE["train"], STANCE["validation"]) + infer(STANCE["test"])
                 + train_s(e, m["epochs"] + 1, STANCE["train"], STANCE["validation"]) + 2 * infer(STANCE["test"])
                 + faster)
    return upto10, exercises

def estimate_cell(backend, mode, lang):
    e = load_estimates().get(backend)
    if e is None: return "—"
    upto10, exercises = notebook_s(e, mode)
    if mode == "quick":
        return f"{duration(upto10, lang)} hasta la sección 10; {duration(upto10 + exercises, lang)} con los ejercicios" if lang == "es" else f"{duration(upto10, lang)} up to section 10; {duration(upto10 + exercises, lang)} with the exercises"
    return f"{duration(upto10, lang)}; {duration(upto10 + exercises, lang)}"

def full_duration(lang):
    return duration(notebook_s(load_estimates()["native"], "full")[0], lang)

def stance_duration(lang):
    e = load_estimates()["native"]
    return duration(train_s(e, 5, STANCE["train"], STANCE["validation"]), lang)

def estimates_note(lang):
    est = load_estimates()
    n, w = est["native"], est.get("wasm")
    per = lambda e, key: number(e[key] * (16 if key == "eval_row" else 1), lang)
    if lang == "es":
        wasm = f" y ≈ {per(w, 'step')} s con `wasm`{' (medido en 2 lotes de 8, como hace `npm run bench`)' if w['micro_batch'] < 16 else ''}" if w else ""
        return (f"*Medido con `npm run bench` ({n['date'][:10]}, carga {number(float(n['load']), lang)}) en una CPU de 2 núcleos: el `Trainer` de verdad con los tweets de verdad y un DistilBERT de tamaño real, "
                f"lotes de 16 tweets rellenados a 60 tokens (el modelo solo calcula sus tokens de verdad, unos 25 de media). Un paso de entrenamiento tarda ≈ {per(n, 'step')} s con `native`{wasm}; evaluar 16 tweets, ≈ {per(n, 'eval_row')} s; guardar un checkpoint (modelo y optimizador), ≈ {per(n, 'save')} s. "
                f"Con `tensorflow` en GPU son minutos. `npm run bench` mide tu ordenador.*")
    wasm = f" and ≈ {per(w, 'step')} s on `wasm`{' (measured as 2 batches of 8, as `npm run bench` runs it)' if w['micro_batch'] < 16 else ''}" if w else ""
    return (f"*Measured with `npm run bench` ({n['date'][:10]}, load {number(float(n['load']), lang)}) on a 2-core CPU: the real `Trainer` on the real tweets with a full-size DistilBERT, "
            f"batches of 16 tweets padded to 60 tokens (the model computes only their real tokens, about 25 on average). A training step takes ≈ {per(n, 'step')} s on `native`{wasm}; evaluating 16 tweets ≈ {per(n, 'eval_row')} s; saving a checkpoint (model and optimizer) ≈ {per(n, 'save')} s. "
            f"With `tensorflow` on a GPU it takes minutes. `npm run bench` measures your computer.*")

EXAMPLES = '''[
  "I love this workshop, it is amazing!",
  "This is so frustrating, nothing works",
  "I hope tomorrow will be a better day",
  "I miss my friends so much",
]'''

CELLS = [
md('''
# Clasificando tweets con modelos Transformers

En este cuaderno vamos a **ajustar (fine-tuning) un modelo DistilBERT preentrenado** para clasificar tweets según la emoción que expresan, usando el conjunto de datos [TweetEval](https://huggingface.co/datasets/cardiffnlp/tweet_eval). Después repetirás el proceso por tu cuenta con otra tarea de TweetEval: la postura sobre el cambio climático.

El taller original está escrito en Python con la librería `transformers` de Hugging Face. Aquí lo hacemos en **TypeScript**, en un cuaderno Jupyter con el kernel **tslab**, con la librería `tweet-transformers`: sus funciones se llaman igual que en Python pero al estilo TypeScript (`load_dataset` → `loadDataset`, `from_pretrained` → `fromPretrained`, `num_labels` → `numLabels`...). Los datos conservan sus nombres de Python (`input_ids`, `attention_mask`, `label`, `eval_accuracy`).

Pasos:
1. Comprobar con qué hardware entrenamos.
2. Cargar y explorar el conjunto de datos.
3. Tokenizar los textos.
4. Cargar el modelo preentrenado y ver sus *embeddings*.
5. Entrenar un clasificador y evaluarlo.
6. Clasificar textos nuevos.
7. Ejercicios: tus propios textos, `stance_climate` y cómo mejorar el modelo.

Ejecuta las celdas en orden con **Mayús + Intro**. Las celdas marcadas con ✍️ son para ti.
''', '''
# Classifying tweets with Transformer models

In this notebook we **fine-tune a pretrained DistilBERT model** to classify tweets by the emotion they express, using the [TweetEval](https://huggingface.co/datasets/cardiffnlp/tweet_eval) dataset. Then you will repeat the process on your own with another TweetEval task: the stance on climate change.

The original workshop is written in Python with Hugging Face's `transformers`. Here we do it in **TypeScript**, in a Jupyter notebook with the **tslab** kernel, with the `tweet-transformers` library: its functions have the Python names written the TypeScript way (`load_dataset` → `loadDataset`, `from_pretrained` → `fromPretrained`, `num_labels` → `numLabels`...). Data keeps its Python names (`input_ids`, `attention_mask`, `label`, `eval_accuracy`).

Steps:
1. Check which hardware we train on.
2. Load and explore the dataset.
3. Tokenize the texts.
4. Load the pretrained model and look at its *embeddings*.
5. Train a classifier and evaluate it.
6. Classify new texts.
7. Exercises: your own texts, `stance_climate`, and how to improve the model.

Run the cells in order with **Shift + Enter**. Cells marked ✍️ are for you.
'''),
md('''
## 1. ¿Con qué hardware entrenamos?

En Python el ejercicio empieza con `!nvidia-smi` para ver si hay una GPU. Aquí los cálculos los hace **TensorFlow.js**, que puede usar varios *backends*, de más a menos rápido: `tensorflow` con GPU (paquete `@tensorflow/tfjs-node-gpu`, necesita CUDA), `tensorflow` en CPU (`@tensorflow/tfjs-node`), `native` (el de `cpu` con multiplicaciones de matrices en OpenBLAS, si el complemento nativo de este proyecto está compilado), `wasm` (WebAssembly, funciona en cualquier ordenador) o `cpu` (JavaScript puro, el más lento). `initBackend()` elige el más rápido que esté instalado y `backendInfo()` dice cuál es (`name`, `description`) y, en `hint`, cómo conseguir uno más rápido (por ejemplo `npm install @tensorflow/tfjs-node-gpu` en un ordenador con GPU NVIDIA y CUDA). Para forzar uno concreto: `initBackend("wasm")` o la variable de entorno `TT_BACKEND`.

`setLanguage("es")` hace que los errores más habituales de la librería se expliquen en español, en una línea que dice qué hacer (`showStack()` enseña además la pila de JavaScript).
''', '''
## 1. Which hardware do we train on?

In Python the exercise starts with `!nvidia-smi` to look for a GPU. Here the maths runs on **TensorFlow.js**, which has several *backends*, fastest first: `tensorflow` on a GPU (package `@tensorflow/tfjs-node-gpu`, needs CUDA), `tensorflow` on the CPU (`@tensorflow/tfjs-node`), `native` (the `cpu` one with OpenBLAS matrix products, when this project's native addon is built), `wasm` (WebAssembly, works on any computer) or `cpu` (plain JavaScript, the slowest). `initBackend()` picks the fastest one installed and `backendInfo()` says which one runs (`name`, `description`) and, in `hint`, how to get a faster one (e.g. `npm install @tensorflow/tfjs-node-gpu` on a computer with an NVIDIA GPU and CUDA). To force one: `initBackend("wasm")` or the `TT_BACKEND` environment variable.

The library's most common errors say in one line what to do (`showStack()` shows the JavaScript stack as well).
'''),
code('''
import { initBackend, backendInfo, setLanguage } from "tweet-transformers";

setLanguage("es"); // los mensajes de la librería y las figuras, en español
await initBackend();
backendInfo()
''', '''
import { initBackend, backendInfo } from "tweet-transformers";

await initBackend();
backendInfo()
'''),
md('''
### ⚡ Modo rápido para el taller

Ajustar DistilBERT (66 millones de parámetros) con los ajustes del ejercicio original (5 épocas sobre los 3 257 tweets de entrenamiento) lleva minutos en una GPU, ''' + full_duration("es") + ''' en la CPU de un portátil con el backend `native` y varias horas con `wasm`. Por eso este interruptor empieza activado: `RAPIDO = true` entrena con menos épocas, un subconjunto de los datos y textos algo más cortos, para que el taller quepa en una sesión. Cámbialo a `false` para reproducir el ejercicio completo. Solo recorta `emotion`: `stance_climate` (ejercicios 2 y 4) tiene 355 tweets de entrenamiento y se entrena siempre entero, con las 5 épocas del ejercicio original (''' + stance_duration("es") + ''' con `native`).

| ajustes | épocas | tweets de entrenamiento | tweets de test | `maxLength` | pasos de 16 tweets | backend `native` (2 núcleos) | backend `wasm` |
| --- | --- | --- | --- | --- | --- | --- | --- |
| `RAPIDO = true` | 2 | 640 | 400 | 48 | 80 | ''' + estimate_cell("native", "quick", "es") + ''' | ''' + estimate_cell("wasm", "quick", "es") + ''' |
| `RAPIDO = false` (ejercicio original) | 5 | 3 257 | 1 421 | 60 | 1 020 | ''' + estimate_cell("native", "full", "es") + ''' | ''' + estimate_cell("wasm", "full", "es") + ''' |

''' + estimates_note("es") + '''
''', '''
### ⚡ Quick mode for the workshop

Fine-tuning DistilBERT (66 million parameters) with the original exercise's settings (5 epochs over the 3,257 training tweets) takes minutes on a GPU, ''' + full_duration("en") + ''' on a laptop CPU with the `native` backend, and several hours with `wasm`. That is why this switch starts on: `QUICK = true` trains fewer epochs on a subset of the data with slightly shorter texts, so the workshop fits in one session. Set it to `false` to reproduce the full exercise. It only cuts `emotion`: `stance_climate` (exercises 2 and 4) has 355 training tweets and is always trained in full, with the original exercise's 5 epochs (''' + stance_duration("en") + ''' on `native`).

| settings | epochs | training tweets | test tweets | `maxLength` | steps of 16 tweets | `native` backend (2 cores) | `wasm` backend |
| --- | --- | --- | --- | --- | --- | --- | --- |
| `QUICK = true` | 2 | 640 | 400 | 48 | 80 | ''' + estimate_cell("native", "quick", "en") + ''' | ''' + estimate_cell("wasm", "quick", "en") + ''' |
| `QUICK = false` (original exercise) | 5 | 3,257 | 1,421 | 60 | 1,020 | ''' + estimate_cell("native", "full", "en") + ''' | ''' + estimate_cell("wasm", "full", "en") + ''' |

''' + estimates_note("en") + '''
'''),
code('''
// ⚡ Interruptor del taller: true = versión rápida (portátil); false = ajustes del ejercicio original
const RAPIDO = true;

const AJUSTES = RAPIDO
  ? { epocas: 2, filasEntrenamiento: 640, filasTest: 400, maxLength: 48 }
  : { epocas: 5, filasEntrenamiento: Infinity, filasTest: Infinity, maxLength: 60 };
AJUSTES
''', '''
// ⚡ Workshop switch: true = quick version (laptop); false = the original exercise's settings
const QUICK = true;

const SETTINGS = QUICK
  ? { epochs: 2, trainRows: 640, testRows: 400, maxLength: 48 }
  : { epochs: 5, trainRows: Infinity, testRows: Infinity, maxLength: 60 };
SETTINGS
'''),
md('''
## 2. El conjunto de datos: TweetEval

[TweetEval](https://huggingface.co/datasets/cardiffnlp/tweet_eval) reúne siete tareas de clasificación de tweets. Empezamos por `emotion`: cada tweet lleva una de cuatro emociones. `loadDataset` descarga los datos del *hub* de Hugging Face (solo la primera vez; luego usa la caché) y devuelve un `DatasetDict` con tres particiones: `train`, `validation` y `test`.
''', '''
## 2. The dataset: TweetEval

[TweetEval](https://huggingface.co/datasets/cardiffnlp/tweet_eval) gathers seven tweet classification tasks. We start with `emotion`: each tweet carries one of four emotions. `loadDataset` downloads the data from the Hugging Face *hub* (only the first time; then it uses the cache) and returns a `DatasetDict` with three splits: `train`, `validation` and `test`.
'''),
code('''
import { loadDataset } from "tweet-transformers";

const dataset = await loadDataset("tweet_eval", "emotion");
dataset
'''),
md('''
Cada ejemplo es un objeto con el texto del tweet y su etiqueta (un número). Así se ve el primero de `train`, y los diez primeros (como columnas, igual que `dataset["train"][0:10]` en Python):
''', '''
Each example is an object with the tweet's text and its label (a number). Here is the first one in `train`, and the first ten (as columns, like `dataset["train"][0:10]` in Python):
'''),
code('''
dataset.get("train").get(0)
'''),
code('''
dataset.get("train").slice(0, 10)
'''),
md('''
Más cómodo como tabla (un `DataFrame` de Danfo.js), con el nombre de cada clase al lado de su número:
''', '''
Easier to read as a table (a Danfo.js `DataFrame`), with each class name beside its number:
'''),
code('''
import { showDataset } from "tweet-transformers";

showDataset(dataset.get("train"), 10);
'''),
md('''
Las etiquetas son números del 0 al 3. Este diccionario traduce cada número a su emoción (son los nombres de `dataset.get("train").features.label`):
''', '''
Labels are numbers from 0 to 3. This dictionary maps each number to its emotion (they are the names in `dataset.get("train").features.label`):
'''),
code('''
const classLabels: Record<number, string> = { 0: "anger", 1: "joy", 2: "optimism", 3: "sadness" };
const nombresClases = Object.values(classLabels);
console.log(dataset.get("train").features.label.toString());
''', '''
const classLabels: Record<number, string> = { 0: "anger", 1: "joy", 2: "optimism", 3: "sadness" };
const classNames = Object.values(classLabels);
console.log(dataset.get("train").features.label.toString());
'''),
md('''
¿Cuántos tweets hay de cada emoción? Las clases no están equilibradas: conviene tenerlo en cuenta al leer la exactitud del modelo.
''', '''
How many tweets of each emotion are there? The classes are not balanced: keep it in mind when reading the model's accuracy.
'''),
code('''
import { labelCounts, displayDataFrame, plotLabelDistribution } from "tweet-transformers";

displayDataFrame(labelCounts(dataset.get("train")));
plotLabelDistribution(dataset.get("train"), { title: "Tweets de entrenamiento por emoción" });
''', '''
import { labelCounts, displayDataFrame, plotLabelDistribution } from "tweet-transformers";

displayDataFrame(labelCounts(dataset.get("train")));
plotLabelDistribution(dataset.get("train"), { title: "Training tweets per emotion" });
'''),
md('''
## 3. Tokenización

Un modelo no lee letras sino números. El **tokenizador** parte el texto en *tokens* (palabras o trozos de palabra) y cambia cada uno por su número en el vocabulario. Cada modelo tiene el suyo: cargamos el de `distilbert-base-uncased` (*uncased*: pasa todo a minúsculas).
''', '''
## 3. Tokenization

A model does not read letters but numbers. The **tokenizer** splits the text into *tokens* (words or pieces of words) and replaces each one with its number in the vocabulary. Each model has its own: we load the one of `distilbert-base-uncased` (*uncased*: it lowercases everything).
'''),
code('''
import { AutoTokenizer } from "tweet-transformers";

const tokenizer = await AutoTokenizer.fromPretrained("distilbert-base-uncased");
tokenizer.tokenize("A long trip to Mordor")
'''),
md('''
"Mordor" no está en el vocabulario, así que se parte en `mor` + `##dor` (`##` indica que el trozo continúa la palabra anterior). Al codificar el texto obtenemos los `input_ids`, con dos tokens especiales: `[CLS]` (101) al principio y `[SEP]` (102) al final, y la `attention_mask`, que marca con 1 los tokens reales:
''', '''
"Mordor" is not in the vocabulary, so it is split into `mor` + `##dor` (`##` means the piece continues the previous word). Encoding the text gives the `input_ids`, with two special tokens: `[CLS]` (101) at the start and `[SEP]` (102) at the end, and the `attention_mask`, which marks real tokens with 1:
'''),
code('''
const encoding = tokenizer("A long trip to Mordor");
encoding
'''),
code('''
for (const id of encoding.input_ids) console.log(id, "→", tokenizer.decode([id]));
'''),
md('''
Ahora tokenizamos todo el conjunto de datos con `map` y `{ batched: true }` (por lotes, más rápido). Todas las secuencias deben tener la misma longitud para formar tensores: con `padding: "max_length"` se rellenan con `[PAD]` (0) hasta `maxLength` tokens y con `truncation: true` se cortan las más largas. El ejercicio original usa `maxLength: 60`; el modo rápido, 48. (Al final, «Entrenar más rápido» rellena cada lote solo hasta su tweet más largo: menos cálculo en una GPU y en Python, sin cambiar lo que calcula el modelo; en la CPU esta librería ya se salta el relleno.)
''', '''
Now we tokenize the whole dataset with `map` and `{ batched: true }` (in batches, faster). All sequences must have the same length to make tensors: `padding: "max_length"` fills them with `[PAD]` (0) up to `maxLength` tokens and `truncation: true` cuts the longer ones. The original exercise uses `maxLength: 60`; quick mode, 48. (At the end, "Train faster" pads each batch only to its longest tweet instead: less computation on a GPU and in Python, without changing what the model computes; on the CPU this library already skips the padding.)
'''),
code('''
const tokenizado = dataset.map(
  (lote) => tokenizer(lote.text, { maxLength: AJUSTES.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
tokenizado
''', '''
const tokenized = dataset.map(
  (batch) => tokenizer(batch.text, { maxLength: SETTINGS.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
tokenized
'''),
code('''
showDataset(tokenizado.get("train"), 5);
''', '''
showDataset(tokenized.get("train"), 5);
'''),
md('''
El primer tweet ya tokenizado: tras `[SEP]` (102) vienen los ceros del relleno `[PAD]` hasta completar `maxLength` tokens, y la `attention_mask` los marca con 0 para que el modelo no les preste atención:
''', '''
The first tweet, tokenized: after `[SEP]` (102) come the `[PAD]` zeros that fill it up to `maxLength` tokens, and the `attention_mask` marks them with 0 so that the model pays them no attention:
'''),
code('''
const primero = tokenizado.get("train").get(0);
console.log(primero.text);
console.log("input_ids:     ", JSON.stringify(primero.input_ids));
console.log("attention_mask:", JSON.stringify(primero.attention_mask));
''', '''
const first = tokenized.get("train").get(0);
console.log(first.text);
console.log("input_ids:     ", JSON.stringify(first.input_ids));
console.log("attention_mask:", JSON.stringify(first.attention_mask));
'''),
md('''
Por último pedimos que las columnas que usa el modelo se entreguen como tensores de TensorFlow.js (en Python: `set_format("torch")`). Un tensor es una tabla de números de tipo fijo (aquí enteros, `int32`) con una forma (`shape`): los `input_ids` de un tweet son un vector de `maxLength` números y su etiqueta un solo número (forma `[]`). El texto no es una columna del modelo y sigue como texto.
''', '''
Finally we ask for the columns the model uses to come out as TensorFlow.js tensors (in Python: `set_format("torch")`). A tensor is a table of numbers of one type (here integers, `int32`) with a `shape`: a tweet's `input_ids` are a vector of `maxLength` numbers and its label a single number (shape `[]`). The text is not a model column and stays text.
'''),
code('''
tokenizado.setFormat("tf", ["input_ids", "attention_mask", "label"]);
const primeroTensores = tokenizado.get("train").get(0);
primeroTensores.input_ids.print(true);
primeroTensores.label.print(true);
tokenizado.get("train").format
''', '''
tokenized.setFormat("tf", ["input_ids", "attention_mask", "label"]);
const firstTensors = tokenized.get("train").get(0);
firstTensors.input_ids.print(true);
firstTensors.label.print(true);
tokenized.get("train").format
'''),
md('''
## 4. El modelo preentrenado y sus *embeddings*

`AutoModel` carga DistilBERT sin cabeza de clasificación: para cada token devuelve un vector (*embedding*) que representa su significado en contexto. DistilBERT usa vectores de 768 números, así que para una frase de 60 tokens obtenemos un tensor `[1, 60, 768]` (1 frase, 60 tokens, 768 dimensiones). La primera vez se descargan los pesos (unos 270 MB).
''', '''
## 4. The pretrained model and its *embeddings*

`AutoModel` loads DistilBERT without a classification head: for each token it returns a vector (*embedding*) that represents its meaning in context. DistilBERT uses vectors of 768 numbers, so a sentence of 60 tokens gives a tensor `[1, 60, 768]` (1 sentence, 60 tokens, 768 dimensions). The first time, the weights are downloaded (about 270 MB).
'''),
code('''
import { AutoModel } from "tweet-transformers";

const modeloBase = await AutoModel.fromPretrained("distilbert-base-uncased");
const entrada = tokenizer(["A long trip to Mordor"], { maxLength: 60, padding: "max_length", truncation: true, returnTensors: "tf" });
const { lastHiddenState } = modeloBase.forward(entrada);
lastHiddenState.shape
''', '''
import { AutoModel } from "tweet-transformers";

const baseModel = await AutoModel.fromPretrained("distilbert-base-uncased");
const input = tokenizer(["A long trip to Mordor"], { maxLength: 60, padding: "max_length", truncation: true, returnTensors: "tf" });
const { lastHiddenState } = baseModel.forward(input);
lastHiddenState.shape
'''),
md('''
## 5. Un modelo para clasificar

`AutoModelForSequenceClassification` añade encima de DistilBERT una **cabeza de clasificación**: una capa que convierte el *embedding* del token `[CLS]` en una puntuación (*logit*) por clase. Esa capa es nueva (sus pesos empiezan al azar, por eso sale un aviso) y se aprende al entrenar. Le decimos cuántas clases hay con `numLabels`, que contamos en los datos: el número de etiquetas distintas de `train` (en Python, `len(set(dataset["train"]["label"]))`).

¿Por qué ajustar todo el modelo (*fine-tuning*) en vez de usar los *embeddings* de la sección 4 como características fijas para un clasificador aparte? Porque los *embeddings* de DistilBERT se aprendieron para predecir palabras ocultas, no emociones: al entrenar, el error de clasificación corrige también las capas del Transformer, que aprenden a destacar lo que distingue la alegría de la tristeza o el enfado. Un clasificador sobre *embeddings* congelados solo puede combinar lo que ya traen, y suele acertar bastante menos.
''', '''
## 5. A model to classify

`AutoModelForSequenceClassification` puts a **classification head** on top of DistilBERT: a layer that turns the embedding of the `[CLS]` token into one score (*logit*) per class. That layer is new (its weights start random, hence the notice) and is learnt in training. We tell it how many classes there are with `numLabels`, which we count in the data: the number of distinct labels in `train` (in Python, `len(set(dataset["train"]["label"]))`).

Why fine-tune the whole model rather than use the embeddings of section 4 as fixed features for a separate classifier? Because DistilBERT's embeddings were learnt to predict hidden words, not emotions: in fine-tuning, the classification error also corrects the Transformer's layers, which learn to bring out what tells joy from sadness or anger. A classifier on frozen embeddings can only combine what they already carry, and is usually clearly less accurate.
'''),
code('''
import { AutoModelForSequenceClassification } from "tweet-transformers";

const numLabels = new Set(dataset.get("train").column("label")).size;
const model = await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: numLabels });
numLabels
'''),
md('''
## 6. Argumentos de entrenamiento

`TrainingArguments` reúne los ajustes del entrenamiento. Los del ejercicio: 5 épocas (aquí `AJUSTES.epocas`), lotes de 16 tweets, evaluar y guardar un *checkpoint* al final de cada época, y quedarnos al final con el mejor modelo. Añadimos `loggingStrategy: "epoch"` para anotar la pérdida de entrenamiento en cada época (así se puede dibujar la curva de aprendizaje) y `saveTotalLimit: 2` para no llenar el disco de *checkpoints*.
''', '''
## 6. Training arguments

`TrainingArguments` gathers the training settings. The exercise's: 5 epochs (here `SETTINGS.epochs`), batches of 16 tweets, evaluate and save a *checkpoint* at the end of every epoch, and keep the best model at the end. We add `loggingStrategy: "epoch"` to record the training loss each epoch (so the learning curve can be drawn) and `saveTotalLimit: 2` so checkpoints do not fill the disk.
'''),
code('''
import { TrainingArguments } from "tweet-transformers";

const trainingArgs = new TrainingArguments({
  outputDir: "test_trainer",
  numTrainEpochs: AJUSTES.epocas,
  perDeviceTrainBatchSize: 16,
  perDeviceEvalBatchSize: 16,
  evalStrategy: "epoch",
  saveStrategy: "epoch",
  loggingStrategy: "epoch",
  loadBestModelAtEnd: true,
  saveTotalLimit: 2,
});
''', '''
import { TrainingArguments } from "tweet-transformers";

const trainingArgs = new TrainingArguments({
  outputDir: "test_trainer",
  numTrainEpochs: SETTINGS.epochs,
  perDeviceTrainBatchSize: 16,
  perDeviceEvalBatchSize: 16,
  evalStrategy: "epoch",
  saveStrategy: "epoch",
  loggingStrategy: "epoch",
  loadBestModelAtEnd: true,
  saveTotalLimit: 2,
});
'''),
md('''
## 7. La métrica

Para saber si el modelo aprende medimos la **exactitud** (*accuracy*): la fracción de tweets cuya clase acierta. `computeMetrics` recibe los *logits* del modelo y las etiquetas correctas; la clase predicha es la de mayor *logit* (`argmax`).
''', '''
## 7. The metric

To know whether the model learns we measure **accuracy**: the fraction of tweets whose class it gets right. `computeMetrics` receives the model's logits and the right labels; the predicted class is the one with the highest logit (`argmax`).
'''),
code('''
import { loadMetric, argmax, type EvalPrediction } from "tweet-transformers";

const metric = loadMetric("accuracy");

function computeMetrics({ predictions, label_ids }: EvalPrediction) {
  return metric.compute({ predictions: argmax(predictions), references: label_ids ?? [] });
}
'''),
md('''
## 8. Entrenamiento

El `Trainer` junta el modelo, los argumentos, los datos y la métrica, y hace el bucle de entrenamiento. En el modo rápido entrenamos con una muestra aleatoria de `AJUSTES.filasEntrenamiento` tweets. Mientras entrena verás una tabla con la pérdida (*loss*) de entrenamiento y de validación y la exactitud de cada época, y debajo las curvas de aprendizaje, que se actualizan al final de cada época. Si lo paras con ■, se detiene al acabar el paso en curso, el modelo se queda con los pesos de ese paso y un mensaje te dice cómo seguir desde el último *checkpoint*: `await trainer.train({ resumeFromCheckpoint: true })`.
''', '''
## 8. Training

The `Trainer` brings together the model, the arguments, the data and the metric, and runs the training loop. In quick mode we train on a random sample of `SETTINGS.trainRows` tweets. While it trains you will see a table with the training and validation loss and the accuracy of each epoch, and below it the learning curves, updated at the end of every epoch. If you stop it with ■, it stops once the current step is done, the model keeps that step's weights, and a message says how to go on from the latest checkpoint: `await trainer.train({ resumeFromCheckpoint: true })`.
'''),
code('''
import { Trainer, range } from "tweet-transformers";

const entrenamiento = tokenizado.get("train").shuffle({ seed: 42 });
const trainer = new Trainer({
  model: model,
  args: trainingArgs,
  trainDataset: entrenamiento.select(range(Math.min(AJUSTES.filasEntrenamiento, entrenamiento.numRows))),
  evalDataset: tokenizado.get("validation"),
  computeMetrics: computeMetrics,
});
await trainer.train();
''', '''
import { Trainer, range } from "tweet-transformers";

const training = tokenized.get("train").shuffle({ seed: 42 });
const trainer = new Trainer({
  model: model,
  args: trainingArgs,
  trainDataset: training.select(range(Math.min(SETTINGS.trainRows, training.numRows))),
  evalDataset: tokenized.get("validation"),
  computeMetrics: computeMetrics,
});
await trainer.train();
'''),
md('''
El historial del entrenamiento queda en `trainer.state.logHistory`. Como tabla, una fila por registro:
''', '''
The training history stays in `trainer.state.logHistory`. As a table, one row per entry:
'''),
code('''
import { logHistoryDataFrame } from "tweet-transformers";

displayDataFrame(logHistoryDataFrame(trainer.state.logHistory));
'''),
md('''
## 9. Evaluación en test

Los tweets de `test` no se han usado ni para entrenar ni para elegir el mejor modelo: dan una medida honesta de cómo funcionará con tweets nuevos.
''', '''
## 9. Evaluation on test

The `test` tweets were used neither for training nor for picking the best model: they give an honest measure of how it will do on new tweets.
'''),
code('''
const test = tokenizado.get("test").select(range(Math.min(AJUSTES.filasTest, tokenizado.get("test").numRows)));
await trainer.evaluate(test)
''', '''
const test = tokenized.get("test").select(range(Math.min(SETTINGS.testRows, tokenized.get("test").numRows)));
await trainer.evaluate(test)
'''),
md('''
La **matriz de confusión** muestra en qué se equivoca: cada fila es la emoción real y cada columna la predicha; la diagonal son los aciertos.
''', '''
The **confusion matrix** shows where it goes wrong: each row is the true emotion and each column the predicted one; the diagonal holds the hits.
'''),
code('''
import { plotConfusionMatrix } from "tweet-transformers";

const prediccionesTest = await trainer.predict(test);
plotConfusionMatrix(prediccionesTest.label_ids ?? [], argmax(prediccionesTest.predictions), nombresClases, { title: "Matriz de confusión (test)" });
''', '''
import { plotConfusionMatrix } from "tweet-transformers";

const testPredictions = await trainer.predict(test);
plotConfusionMatrix(testPredictions.label_ids ?? [], argmax(testPredictions.predictions), classNames, { title: "Confusion matrix (test)" });
'''),
md('''
## 10. Clasificar textos nuevos

Para clasificar textos que no están en el conjunto de datos seguimos el mismo camino que con `test`: los metemos en un `Dataset` (`Dataset.fromDict`), los tokenizamos con `map` igual que al entrenar, `trainer.predict` devuelve sus *logits* y nos quedamos con la clase de mayor *logit* (`argmax`), que traducimos a su nombre.
''', '''
## 10. Classifying new texts

To classify texts that are not in the dataset we take the same road as with `test`: we put them in a `Dataset` (`Dataset.fromDict`), tokenize them with `map` as in training, `trainer.predict` returns their logits, and we keep the class with the highest logit (`argmax`), which we turn into its name.
'''),
code('''
import { Dataset } from "tweet-transformers";

const textos = ''' + EXAMPLES + ''';
const nuevos = Dataset.fromDict({ text: textos }).map(
  (lote) => tokenizer(lote.text, { maxLength: AJUSTES.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
const logits = (await trainer.predict(nuevos)).predictions;
const clases = argmax(logits);
clases.map((clase) => classLabels[clase])
''', '''
import { Dataset } from "tweet-transformers";

const texts = ''' + EXAMPLES + ''';
const newTexts = Dataset.fromDict({ text: texts }).map(
  (batch) => tokenizer(batch.text, { maxLength: SETTINGS.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
const logits = (await trainer.predict(newTexts)).predictions;
const classes = argmax(logits);
classes.map((c) => classLabels[c])
'''),
md('''
Con la probabilidad de cada clase (el *softmax* de los *logits*):
''', '''
With the probability of each class (the softmax of the logits):
'''),
code('''
import { showPredictions } from "tweet-transformers";

showPredictions(textos, logits, nombresClases);
''', '''
import { showPredictions } from "tweet-transformers";

showPredictions(texts, logits, classNames);
'''),
md('''
---
# ✍️ Ejercicios

Cada ejercicio tiene una celda vacía con `// INSERTA TU CÓDIGO AQUÍ` y, debajo, una celda de **comprobación** que te dice qué está bien y qué falta. Las variables que tienes que rellenar ya están declaradas en la celda anterior a cada ejercicio.

> **Ojo con tslab:** para usar en un objeto una variable de otra celda, escribe `{ model: model }` en vez de la forma corta `{ model }` (tslab no la reconoce entre celdas y da `ReferenceError: model is not defined`). Y escribe `await` delante de `train()`, `evaluate()` y `predict()`: sin él la celda termina enseguida, el entrenamiento sigue en segundo plano y lo siguiente que use ese modelo se niega con un mensaje que te lo recuerda.
''', '''
---
# ✍️ Exercises

Each exercise has an empty cell with `// INSERT YOUR CODE HERE` and, below it, a **check** cell that tells you what is right and what is missing. The variables you have to fill in are already declared in the cell before each exercise.

> **tslab gotcha:** to use a variable from another cell in an object, write `{ model: model }` rather than the shorthand `{ model }` (tslab does not resolve it across cells and says `ReferenceError: model is not defined`). And write `await` before `train()`, `evaluate()` and `predict()`: without it the cell ends at once, training goes on in the background, and the next thing that uses that model is refused with a message that reminds you.
'''),
md('''
### ✍️ Ejercicio 1: escribe tus propios textos y prueba el modelo

Escribe en `misTextos` unas cuantas frases en inglés (el modelo se entrenó con tweets en inglés) y guarda en `misPredicciones` el nombre de la emoción que predice el modelo para cada una. Pista: repite los pasos de la sección 10 (`Dataset.fromDict` → `map` → `trainer.predict` → `argmax` → nombres).
''', '''
### ✍️ Exercise 1: write your own texts and test the model

Put a few English sentences in `myTexts` (the model was trained on English tweets) and store in `myPredictions` the name of the emotion the model predicts for each one. Hint: repeat the steps of section 10 (`Dataset.fromDict` → `map` → `trainer.predict` → `argmax` → names).
'''),
code('''
let misTextos: string[] | undefined;
let misPredicciones: string[] | undefined;
''', '''
let myTexts: string[] | undefined;
let myPredictions: string[] | undefined;
'''),
prompt('''
import { Dataset, argmax, showPredictions } from "tweet-transformers";

misTextos = [
  "What a wonderful morning, I feel great",
  "I can't believe they cancelled my flight again",
  "Things will get better, I'm sure of it",
];
const misDatos = Dataset.fromDict({ text: misTextos }).map(
  (lote) => tokenizer(lote.text, { maxLength: AJUSTES.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
const misLogits = (await trainer.predict(misDatos)).predictions;
misPredicciones = argmax(misLogits).map((clase) => classLabels[clase]);
showPredictions(misTextos, misLogits, nombresClases);
''', '''
import { Dataset, argmax, showPredictions } from "tweet-transformers";

myTexts = [
  "What a wonderful morning, I feel great",
  "I can't believe they cancelled my flight again",
  "Things will get better, I'm sure of it",
];
const myData = Dataset.fromDict({ text: myTexts }).map(
  (batch) => tokenizer(batch.text, { maxLength: SETTINGS.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
const myLogits = (await trainer.predict(myData)).predictions;
myPredictions = argmax(myLogits).map((c) => classLabels[c]);
showPredictions(myTexts, myLogits, classNames);
'''),
code('''
import { comprobar } from "tweet-transformers";

await comprobar.textosPropios(misTextos, misPredicciones, nombresClases);
''', '''
import { check } from "tweet-transformers";

await check.ownTexts(myTexts, myPredictions, classNames);
'''),
md('''
### ✍️ Ejercicio 2: entrena DistilBERT en `stance_climate`

TweetEval tiene otra tarea, `stance_climate`: la **postura** de un tweet sobre el cambio climático, con tres clases: `none` (ninguna), `against` (en contra) y `favor` (a favor). Repite el proceso con ella:

1. Carga `loadDataset("tweet_eval", "stance_climate")`.
2. Tokenízalo con `map` (igual que antes) y guárdalo en `climaTokenizado`.
3. Crea un modelo nuevo con el número de clases de estos datos (cuéntalas como en la sección 5).
4. Crea los `TrainingArguments` (usa otra carpeta de salida, p. ej. `"stance_trainer"`, y las 5 épocas del ejercicio original: con 355 tweets no hace falta el modo rápido) y el `Trainer`, y guárdalo en `trainerClima`.
5. Entrena y mide la exactitud en `test`.
''', '''
### ✍️ Exercise 2: train DistilBERT on `stance_climate`

TweetEval has another task, `stance_climate`: a tweet's **stance** on climate change, with three classes: `none`, `against` and `favor`. Repeat the process with it:

1. Load `loadDataset("tweet_eval", "stance_climate")`.
2. Tokenize it with `map` (as before) and store it in `climateTokenized`.
3. Create a new model with the number of classes of this data (count them as in section 5).
4. Create the `TrainingArguments` (use another output folder, e.g. `"stance_trainer"`, and the original exercise's 5 epochs: with 355 tweets quick mode is not needed) and the `Trainer`, and store it in `climateTrainer`.
5. Train it and measure the accuracy on `test`.
'''),
code('''
import { Trainer, type DatasetDict } from "tweet-transformers";

let climaTokenizado: DatasetDict | undefined;
let trainerClima: Trainer | undefined;
''', '''
import { Trainer, type DatasetDict } from "tweet-transformers";

let climateTokenized: DatasetDict | undefined;
let climateTrainer: Trainer | undefined;
'''),
prompt('''
import { loadDataset, AutoModelForSequenceClassification, TrainingArguments } from "tweet-transformers";

const clima = await loadDataset("tweet_eval", "stance_climate");
climaTokenizado = clima.map(
  (lote) => tokenizer(lote.text, { maxLength: 60, padding: "max_length", truncation: true }),
  { batched: true },
);
climaTokenizado.setFormat("tf", ["input_ids", "attention_mask", "label"]);

const numClasesClima = new Set(clima.get("train").column("label")).size;
const modeloClima = await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: numClasesClima });
const argumentosClima = new TrainingArguments({
  outputDir: "stance_trainer",
  numTrainEpochs: 5,
  perDeviceTrainBatchSize: 16,
  perDeviceEvalBatchSize: 16,
  evalStrategy: "epoch",
  saveStrategy: "epoch",
  loggingStrategy: "epoch",
  loadBestModelAtEnd: true,
  saveTotalLimit: 2,
});
trainerClima = new Trainer({
  model: modeloClima,
  args: argumentosClima,
  trainDataset: climaTokenizado.get("train"),
  evalDataset: climaTokenizado.get("validation"),
  computeMetrics: computeMetrics,
});
await trainerClima.train();
await trainerClima.evaluate(climaTokenizado.get("test"))
''', '''
import { loadDataset, AutoModelForSequenceClassification, TrainingArguments } from "tweet-transformers";

const climate = await loadDataset("tweet_eval", "stance_climate");
climateTokenized = climate.map(
  (batch) => tokenizer(batch.text, { maxLength: 60, padding: "max_length", truncation: true }),
  { batched: true },
);
climateTokenized.setFormat("tf", ["input_ids", "attention_mask", "label"]);

const climateNumLabels = new Set(climate.get("train").column("label")).size;
const climateModel = await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: climateNumLabels });
const climateArgs = new TrainingArguments({
  outputDir: "stance_trainer",
  numTrainEpochs: 5,
  perDeviceTrainBatchSize: 16,
  perDeviceEvalBatchSize: 16,
  evalStrategy: "epoch",
  saveStrategy: "epoch",
  loggingStrategy: "epoch",
  loadBestModelAtEnd: true,
  saveTotalLimit: 2,
});
climateTrainer = new Trainer({
  model: climateModel,
  args: climateArgs,
  trainDataset: climateTokenized.get("train"),
  evalDataset: climateTokenized.get("validation"),
  computeMetrics: computeMetrics,
});
await climateTrainer.train();
await climateTrainer.evaluate(climateTokenized.get("test"))
'''),
code('''
import { comprobar } from "tweet-transformers";

await comprobar.stanceClimate(trainerClima, climaTokenizado);
''', '''
import { check } from "tweet-transformers";

await check.stanceClimate(climateTrainer, climateTokenized);
'''),
md('''
### ✍️ Ejercicio 3: prueba el modelo con tus textos a favor y en contra

Escribe en `textosClima` frases a favor y en contra de las políticas contra el cambio climático, clasifícalas con el modelo del ejercicio 2 y guarda en `prediccionesClima` el nombre de la clase de cada una (`none`, `against` o `favor`). ¿Acierta?
''', '''
### ✍️ Exercise 3: test the model with your own texts for and against

Put in `climateTexts` sentences for and against climate policy, classify them with the model of exercise 2 and store in `climatePredictions` the class name of each one (`none`, `against` or `favor`). Does it get them right?
'''),
code('''
let textosClima: string[] | undefined;
let prediccionesClima: string[] | undefined;
''', '''
let climateTexts: string[] | undefined;
let climatePredictions: string[] | undefined;
'''),
prompt('''
import { Dataset, argmax, showPredictions } from "tweet-transformers";

textosClima = [
  "We need a carbon tax now, our planet cannot wait",
  "Renewable energy creates jobs and cleaner air for everyone",
  "Climate change is a hoax invented to raise taxes",
  "These green policies will destroy our economy",
];
const nombresClima = ["none", "against", "favor"];
const datosClima = Dataset.fromDict({ text: textosClima }).map(
  (lote) => tokenizer(lote.text, { maxLength: 60, padding: "max_length", truncation: true }),
  { batched: true },
);
const logitsClima = (await trainerClima.predict(datosClima)).predictions;
prediccionesClima = argmax(logitsClima).map((clase) => nombresClima[clase]);
showPredictions(textosClima, logitsClima, nombresClima);
''', '''
import { Dataset, argmax, showPredictions } from "tweet-transformers";

climateTexts = [
  "We need a carbon tax now, our planet cannot wait",
  "Renewable energy creates jobs and cleaner air for everyone",
  "Climate change is a hoax invented to raise taxes",
  "These green policies will destroy our economy",
];
const climateNames = ["none", "against", "favor"];
const climateData = Dataset.fromDict({ text: climateTexts }).map(
  (batch) => tokenizer(batch.text, { maxLength: 60, padding: "max_length", truncation: true }),
  { batched: true },
);
const climateLogits = (await climateTrainer.predict(climateData)).predictions;
climatePredictions = argmax(climateLogits).map((c) => climateNames[c]);
showPredictions(climateTexts, climateLogits, climateNames);
'''),
code('''
import { comprobar } from "tweet-transformers";

await comprobar.textosClima(textosClima, prediccionesClima);
''', '''
import { check } from "tweet-transformers";

await check.climateTexts(climateTexts, climatePredictions);
'''),
md('''
### ✍️ Ejercicio 4: mejora el modelo

¿Puedes conseguir más exactitud en `test` con `stance_climate`? Entrena otro `Trainer` (guárdalo en `trainerMejorado`) cambiando el tamaño del lote (`perDeviceTrainBatchSize`: 8, 32...), la tasa de aprendizaje (`learningRate`: por defecto `5e-5`; prueba `3e-5` o `1e-4`), el número de épocas, o usando **otro modelo del *hub* de Hugging Face**.

`AutoModelForSequenceClassification` carga modelos DistilBERT, BERT, RoBERTa (y XLM-RoBERTa, CamemBERT), ELECTRA y ALBERT. Cada modelo trae su propio tokenizador: cárgalo con `AutoTokenizer.fromPretrained` con el mismo nombre, tokeniza con él `stance_climate`, guárdalo en `tokenizadoMejorado` y entrena con `tokenizadoMejorado.get("train")`. Algunos repositorios solo tienen un `pytorch_model.bin` antiguo (de antes de PyTorch 1.6, que esta librería no lee); la conversión a `model.safetensors` del propio *hub* está en una *pull request*: cárgala con `revision`, p. ej. `AutoModelForSequenceClassification.fromPretrained("google/electra-small-discriminator", { numLabels: 3, revision: "refs/pr/2" })`. Algunos que funcionan:

''' + model_table("es") + '''

La comprobación compara su exactitud en `test` con la de `trainerClima` (cada uno con su tokenización). Para que cada prueba tarde menos, mira «Entrenar más rápido» justo debajo: relleno dinámico y `groupByLength`.
''', '''
### ✍️ Exercise 4: improve the model

Can you get a higher `test` accuracy on `stance_climate`? Train another `Trainer` (store it in `improvedTrainer`) changing the batch size (`perDeviceTrainBatchSize`: 8, 32...), the learning rate (`learningRate`: `5e-5` by default; try `3e-5` or `1e-4`), the number of epochs, or using **another model from the Hugging Face *hub***.

`AutoModelForSequenceClassification` loads DistilBERT, BERT, RoBERTa (and XLM-RoBERTa, CamemBERT), ELECTRA and ALBERT models. Each model comes with its own tokenizer: load it with `AutoTokenizer.fromPretrained` and the same name, tokenize `stance_climate` with it, store that in `improvedTokenized` and train on `improvedTokenized.get("train")`. Some repositories only have an old `pytorch_model.bin` (from before PyTorch 1.6, which this library does not read); the hub's own conversion to `model.safetensors` is in a pull request: load it with `revision`, e.g. `AutoModelForSequenceClassification.fromPretrained("google/electra-small-discriminator", { numLabels: 3, revision: "refs/pr/2" })`. Some that work:

''' + model_table("en") + '''

The check compares its `test` accuracy with `climateTrainer`'s (each with its own tokenization). To make each try take less time, see "Train faster" just below: dynamic padding and `groupByLength`.
'''),
code('''
import { Trainer, type DatasetDict } from "tweet-transformers";

let trainerMejorado: Trainer | undefined;
let tokenizadoMejorado: DatasetDict | undefined;
''', '''
import { Trainer, type DatasetDict } from "tweet-transformers";

let improvedTrainer: Trainer | undefined;
let improvedTokenized: DatasetDict | undefined;
'''),
prompt('''
import { AutoModelForSequenceClassification, AutoTokenizer, TrainingArguments, loadDataset } from "tweet-transformers";

// Otro modelo del hub: DistilRoBERTa, un RoBERTa de 6 capas como DistilBERT, con su propio tokenizador
const otroModelo = "distilroberta-base";
const tokenizerMejorado = await AutoTokenizer.fromPretrained(otroModelo);
tokenizadoMejorado = (await loadDataset("tweet_eval", "stance_climate")).map(
  (lote) => tokenizerMejorado(lote.text, { maxLength: AJUSTES.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
tokenizadoMejorado.setFormat("tf", ["input_ids", "attention_mask", "label"]);

trainerMejorado = new Trainer({
  model: await AutoModelForSequenceClassification.fromPretrained(otroModelo, { numLabels: 3 }),
  args: new TrainingArguments({
    outputDir: "stance_trainer_mejorado",
    numTrainEpochs: AJUSTES.epocas + 1,
    perDeviceTrainBatchSize: 16,
    perDeviceEvalBatchSize: 16,
    evalStrategy: "epoch",
    saveStrategy: "epoch",
    loggingStrategy: "epoch",
    loadBestModelAtEnd: true,
    saveTotalLimit: 2,
  }),
  trainDataset: tokenizadoMejorado.get("train"),
  evalDataset: tokenizadoMejorado.get("validation"),
  computeMetrics: computeMetrics,
});
await trainerMejorado.train();
''', '''
import { AutoModelForSequenceClassification, AutoTokenizer, TrainingArguments, loadDataset } from "tweet-transformers";

// Another model from the hub: DistilRoBERTa, a RoBERTa of 6 layers like DistilBERT, with its own tokenizer
const otherModel = "distilroberta-base";
const improvedTokenizer = await AutoTokenizer.fromPretrained(otherModel);
improvedTokenized = (await loadDataset("tweet_eval", "stance_climate")).map(
  (batch) => improvedTokenizer(batch.text, { maxLength: SETTINGS.maxLength, padding: "max_length", truncation: true }),
  { batched: true },
);
improvedTokenized.setFormat("tf", ["input_ids", "attention_mask", "label"]);

improvedTrainer = new Trainer({
  model: await AutoModelForSequenceClassification.fromPretrained(otherModel, { numLabels: 3 }),
  args: new TrainingArguments({
    outputDir: "stance_trainer_improved",
    numTrainEpochs: SETTINGS.epochs + 1,
    perDeviceTrainBatchSize: 16,
    perDeviceEvalBatchSize: 16,
    evalStrategy: "epoch",
    saveStrategy: "epoch",
    loggingStrategy: "epoch",
    loadBestModelAtEnd: true,
    saveTotalLimit: 2,
  }),
  trainDataset: improvedTokenized.get("train"),
  evalDataset: improvedTokenized.get("validation"),
  computeMetrics: computeMetrics,
});
await improvedTrainer.train();
'''),
code('''
import { comprobar } from "tweet-transformers";

await comprobar.mejora(trainerMejorado, trainerClima, climaTokenizado, tokenizadoMejorado);
''', '''
import { check } from "tweet-transformers";

await check.improvement(improvedTrainer, climateTrainer, climateTokenized, improvedTokenized);
'''),
md('''
### Entrenar más rápido: relleno dinámico y `groupByLength`

Hasta ahora cada tweet se rellena hasta 60 tokens (`padding: "max_length"`), como en el ejercicio original. Un tweet de `emotion` tiene de media unos 25 tokens, así que más de la mitad de cada lote es `[PAD]`. En Python, `transformers` calcula también ese relleno, y hay dos opciones para ahorrárselo, que esta librería tiene igual:

- **Relleno dinámico**: tokeniza solo con `truncation: true` (sin `padding`) y pasa al `Trainer` `dataCollator: new DataCollatorWithPadding({ tokenizer: tokenizer })`, que rellena cada lote solo hasta su tweet más largo. Es **el mismo cálculo**: la `attention_mask` hace que el modelo no mire el relleno, así que los *logits* y la pérdida salen iguales salvo el redondeo de `float32` (las pruebas de esta librería lo comprueban). Solo cambia el *dropout* al entrenar: sortea sus máscaras sobre la forma del lote, así que la exactitud puede variar un poco, como con otra semilla.
- **`groupByLength: true`** en `TrainingArguments` (con relleno dinámico): cada lote junta tweets de longitud parecida, así que casi no queda relleno. El orden sigue siendo aleatorio (y el mismo con la misma semilla), pero cambia qué tweets comparten lote, así que la exactitud puede moverse un poco, a mejor o a peor.

En la CPU (`native`, `wasm`) esta librería ya se salta el relleno por su cuenta: la `attention_mask` dice qué posiciones son relleno, ningún token las mira, así que el modelo calcula solo los tokens de verdad (con el mismo resultado). Por eso aquí las tres formas tardan casi lo mismo. Donde sí ahorran tiempo es en la GPU (`webgpu`), que calcula cada lote entero con su relleno, y en Python.

El efecto en la exactitud no lo hemos medido (hace falta el DistilBERT preentrenado): mídelo tú. La celda siguiente entrena tres veces DistilBERT en `stance_climate` con los mismos ajustes, cambiando solo el relleno, y enseña el tiempo de entrenamiento (`train_runtime`) y la exactitud en `test` de cada vez.
''', '''
### Train faster: dynamic padding and `groupByLength`

So far every tweet is padded to 60 tokens (`padding: "max_length"`), as in the original exercise. An `emotion` tweet is about 25 tokens long on average, so more than half of each batch is `[PAD]`. In Python, `transformers` computes that padding too, and two options save that work; this library has them as well:

- **Dynamic padding**: tokenize with `truncation: true` only (no `padding`) and pass the `Trainer` `dataCollator: new DataCollatorWithPadding({ tokenizer: tokenizer })`, which pads each batch only to its longest tweet. It is **the same computation**: the `attention_mask` keeps the model from looking at the padding, so the logits and the loss come out the same up to `float32` rounding (this library's tests check it). Only dropout changes in training: it draws its masks over the batch's shape, so the accuracy may vary a little, as with another seed.
- **`groupByLength: true`** in `TrainingArguments` (with dynamic padding): each batch gathers tweets of similar length, so hardly any padding is left. The order is still random (and the same for the same seed), but which tweets share a batch changes, so the accuracy may move a little, up or down.

On the CPU (`native`, `wasm`) this library already skips the padding by itself: the `attention_mask` says which positions are padding, no token looks at them, so the model computes only the real tokens (with the same result). That is why here the three ways take about the same time. Where they do save time is on the GPU (`webgpu`), which computes each whole batch with its padding, and in Python.

Its effect on accuracy we have not measured (it needs the pretrained DistilBERT): measure it yourself. The next cell trains DistilBERT on `stance_climate` three times with the same settings, changing only the padding, and shows each run's training time (`train_runtime`) and `test` accuracy.
'''),
code('''
import { AutoModelForSequenceClassification, DataCollatorWithPadding, Trainer, TrainingArguments, dataFrameFromColumns, displayDataFrame, loadDataset, type DatasetDict } from "tweet-transformers";

// stance_climate tokenizado de las dos formas: relleno hasta 60 (como en el ejercicio 2) y sin relleno
const datosPostura = await loadDataset("tweet_eval", "stance_climate");
const conRelleno = datosPostura.map(
  (lote) => tokenizer(lote.text, { maxLength: 60, padding: "max_length", truncation: true }),
  { batched: true },
);
const sinRelleno = datosPostura.map(
  (lote) => tokenizer(lote.text, { maxLength: 60, truncation: true }),
  { batched: true },
);

async function entrenarYMedir(datos: DatasetDict, rellenoDinamico: boolean, agrupar: boolean) {
  const trainerRelleno = new Trainer({
    model: await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: 3, seed: 42 }),
    args: new TrainingArguments({
      outputDir: "stance_trainer_relleno",
      numTrainEpochs: AJUSTES.epocas,
      perDeviceTrainBatchSize: 16,
      perDeviceEvalBatchSize: 16,
      saveStrategy: "no",
      groupByLength: agrupar,
    }),
    trainDataset: datos.get("train"),
    // Sin relleno, el Trainer rellena cada lote hasta su tweet más largo
    dataCollator: rellenoDinamico ? new DataCollatorWithPadding({ tokenizer: tokenizer }) : undefined,
    computeMetrics: computeMetrics,
  });
  const entrenado = await trainerRelleno.train();
  const evaluado = await trainerRelleno.evaluate(datos.get("test"));
  return { segundos: entrenado.metrics.train_runtime, exactitud: evaluado.eval_accuracy };
}

const medidas = [
  await entrenarYMedir(conRelleno, false, false),
  await entrenarYMedir(sinRelleno, true, false),
  await entrenarYMedir(sinRelleno, true, true),
];
displayDataFrame(dataFrameFromColumns({
  relleno: ["hasta 60", "dinámico", "dinámico + groupByLength"],
  "segundos de entrenamiento": medidas.map((m) => m.segundos),
  "exactitud en test": medidas.map((m) => m.exactitud),
}));
''', '''
import { AutoModelForSequenceClassification, DataCollatorWithPadding, Trainer, TrainingArguments, dataFrameFromColumns, displayDataFrame, loadDataset, type DatasetDict } from "tweet-transformers";

// stance_climate tokenized both ways: padded to 60 (as in exercise 2) and not padded
const stanceData = await loadDataset("tweet_eval", "stance_climate");
const paddedTo60 = stanceData.map(
  (batch) => tokenizer(batch.text, { maxLength: 60, padding: "max_length", truncation: true }),
  { batched: true },
);
const unpadded = stanceData.map(
  (batch) => tokenizer(batch.text, { maxLength: 60, truncation: true }),
  { batched: true },
);

async function trainAndMeasure(data: DatasetDict, dynamicPadding: boolean, groupByLength: boolean) {
  const paddingTrainer = new Trainer({
    model: await AutoModelForSequenceClassification.fromPretrained("distilbert-base-uncased", { numLabels: 3, seed: 42 }),
    args: new TrainingArguments({
      outputDir: "stance_trainer_padding",
      numTrainEpochs: SETTINGS.epochs,
      perDeviceTrainBatchSize: 16,
      perDeviceEvalBatchSize: 16,
      saveStrategy: "no",
      groupByLength: groupByLength,
    }),
    trainDataset: data.get("train"),
    // Without padding, the Trainer pads each batch to its longest tweet
    dataCollator: dynamicPadding ? new DataCollatorWithPadding({ tokenizer: tokenizer }) : undefined,
    computeMetrics: computeMetrics,
  });
  const trained = await paddingTrainer.train();
  const evaluated = await paddingTrainer.evaluate(data.get("test"));
  return { seconds: trained.metrics.train_runtime, accuracy: evaluated.eval_accuracy };
}

const measurements = [
  await trainAndMeasure(paddedTo60, false, false),
  await trainAndMeasure(unpadded, true, false),
  await trainAndMeasure(unpadded, true, true),
];
displayDataFrame(dataFrameFromColumns({
  padding: ["to 60", "dynamic", "dynamic + groupByLength"],
  "training seconds": measurements.map((m) => m.seconds),
  "test accuracy": measurements.map((m) => m.accuracy),
}));
'''),
md('''
---
¡Enhorabuena! Has ajustado dos modelos Transformer y los has usado para clasificar textos nuevos. Para seguir: prueba otras tareas de TweetEval (`sentiment`, `hate`, `irony`, `offensive`...) cambiando el segundo argumento de `loadDataset`.
''', '''
---
Well done! You have fine-tuned two Transformer models and used them to classify new texts. To go further: try other TweetEval tasks (`sentiment`, `hate`, `irony`, `offensive`...) by changing the second argument of `loadDataset`.
'''),
]

PLACEHOLDER = {"es": "// INSERTA TU CÓDIGO AQUÍ", "en": "// INSERT YOUR CODE HERE"}
PATHS = {
    ("es", False): "notebooks/es/01-clasificando-tweets.ipynb",
    ("es", True): "notebooks/es/01-clasificando-tweets.solucion.ipynb",
    ("en", False): "notebooks/en/01-classifying-tweets.ipynb",
    ("en", True): "notebooks/en/01-classifying-tweets.solution.ipynb",
}

def lines(text):
    parts = text.split("\n")
    return [p + "\n" for p in parts[:-1]] + [parts[-1]]

def build(lang, solved):
    cells = []
    for i, (kind, es, en) in enumerate(CELLS):
        text = es if lang == "es" else en
        cid = f"c{i:02d}"
        if kind == "md":
            cells.append({"cell_type": "markdown", "id": cid, "metadata": {}, "source": lines(text)})
        else:
            if kind == "prompt":
                text = text if solved else PLACEHOLDER[lang]
                meta = {"tags": ["exercise"]}
            else:
                meta = {}
            cells.append({"cell_type": "code", "execution_count": None, "id": cid, "metadata": meta, "outputs": [], "source": lines(text)})
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "TypeScript", "language": "typescript", "name": "tslab"},
            "language_info": {"codemirror_mode": {"mode": "typescript", "name": "javascript", "typescript": True}, "file_extension": ".ts", "mimetype": "text/typescript", "name": "typescript", "version": "3.7.2"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }

for (lang, solved), rel in PATHS.items():
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(build(lang, solved), f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote", rel)
