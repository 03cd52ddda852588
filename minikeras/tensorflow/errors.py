"""`tf.errors`: TensorFlow's exception classes, as subclasses of Python's built-in ones."""


class OpError(Exception):
    """Base class: `OpError(node_def, op, message)`."""

    def __init__(self, node_def=None, op=None, message="", *args):
        super().__init__(message)
        self.node_def, self.op, self.message = node_def, op, message


class InvalidArgumentError(OpError, ValueError):
    """A bad argument or a failed `tf.debugging` assertion."""


class OutOfRangeError(OpError, IndexError):
    """An iterator ran out of elements."""


class NotFoundError(OpError, FileNotFoundError):
    """A file or resource was not found."""


class UnimplementedError(OpError, NotImplementedError):
    """An operation that the stand-in does not provide."""


class ResourceExhaustedError(OpError, MemoryError):
    """Out of memory."""


class FailedPreconditionError(OpError, RuntimeError):
    """The system is not in a state to run the operation."""


class UnknownError(OpError, RuntimeError):
    """An unknown error."""


class InternalError(OpError, RuntimeError):
    """An internal error."""
