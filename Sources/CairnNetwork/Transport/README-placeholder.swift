// The NIO transport lives in this folder.
