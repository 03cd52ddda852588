"""`keras.config`: global settings of minikeras.

Holds the BLAS thread settings (see `minikeras.backend.blas_threads` for the policy).
"""

from minikeras.backend.blas_threads import get_num_threads, set_num_threads

__all__ = ["get_num_threads", "set_num_threads"]
