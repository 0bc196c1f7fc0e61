package io.loopwire.loop.nio;

import java.util.Arrays;

/** A binary min-heap of timers by deadline that knows each timer's index, so removal is O(log n). */
final class TimerHeap {

  private NioTimer[] heap = new NioTimer[16];
  private int size;
  private long nextSeq;

  int size() {
    return size;
  }

  long nextSeq() {
    return nextSeq;
  }

  NioTimer peek() {
    return size == 0 ? null : heap[0];
  }

  void add(NioTimer t) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    t.seq = nextSeq++;
    t.index = size;
    heap[size++] = t;
    up(t.index);
  }

  NioTimer poll() {
    if (size == 0) {
      return null;
    }
    NioTimer top = heap[0];
    removeAt(0);
    return top;
  }

  void remove(NioTimer t) {
    int i = t.index;
    if (i >= 0 && i < size && heap[i] == t) {
      removeAt(i);
    }
  }

  void clear() {
    for (int i = 0; i < size; i++) {
      heap[i].index = -1;
      heap[i] = null;
    }
    size = 0;
  }

  private void removeAt(int i) {
    NioTimer gone = heap[i];
    gone.index = -1;
    size--;
    if (i == size) {
      heap[size] = null;
      return;
    }
    NioTimer last = heap[size];
    heap[size] = null;
    heap[i] = last;
    last.index = i;
    down(i);
    if (heap[i] == last) {
      up(i);
    }
  }

  private void up(int i) {
    NioTimer t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      NioTimer p = heap[parent];
      if (!t.before(p)) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = t;
    t.index = i;
  }

  private void down(int i) {
    NioTimer t = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right].before(heap[child])) {
        child = right;
      }
      if (!heap[child].before(t)) {
        break;
      }
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = t;
    t.index = i;
  }
}
