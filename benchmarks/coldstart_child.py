"""Child process of the `coldstart` workload: import, load the saved MLP, predict one sample.

Usage: `python coldstart_child.py {minikeras|keras} h5=PATH` (or `json=PATH weights=PATH`).
Prints `import_s=...`, the prediction's arg-max, and `rss=<peak MiB>` last.
"""

from __future__ import annotations

import sys
import time

t0 = time.perf_counter()
framework = sys.argv[1]
paths = dict(a.split("=", 1) for a in sys.argv[2:])
if framework == "minikeras":
    import minikeras as keras
else:
    import keras
import_s = time.perf_counter() - t0

import numpy as np  # noqa: E402  (already imported by the framework)

if "h5" in paths:
    model = keras.models.load_model(paths["h5"], compile=False)
else:
    with open(paths["json"]) as f:
        model = keras.models.model_from_json(f.read())
    model.load_weights(paths["weights"])
x = np.full((1, 784), 0.5, dtype=np.float32)
pred = model.predict(x, verbose=0)


def peak_rss_mib() -> float:
    """Peak RSS of this process image (VmHWM). `ru_maxrss` is not used: Linux carries
    the forked parent's peak over `exec`, which would charge the caller's memory here."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


print(
    f"import_s={import_s:.4f} argmax={int(np.argmax(pred))} total_s={time.perf_counter() - t0:.4f}"
)
print(f"rss={peak_rss_mib():.1f}")
