package io.loopwire.loop.nio;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The timer heap against a sorted set: adds, removals from the middle and polls in any mix. */
class TimerHeapTest {

  @Property(tries = 300)
  void behavesLikeASortedSetOrderedByDeadlineThenSeq(@ForAll("operations") List<int[]> ops) {
    TimerHeap heap = new TimerHeap();
    TreeSet<NioTimer> reference = new TreeSet<>(
        Comparator.<NioTimer>comparingLong(t -> t.deadline).thenComparingLong(t -> t.seq));
    List<NioTimer> live = new ArrayList<>();
    for (int[] op : ops) {
      switch (op[0]) {
        case 0: // add; small deadlines make ties common
          NioTimer t = new NioTimer(null, () -> {}, op[1] % 8);
          heap.add(t);
          reference.add(t);
          live.add(t);
          break;
        case 1: // remove one from anywhere
          if (!live.isEmpty()) {
            NioTimer gone = live.remove(op[1] % live.size());
            heap.remove(gone);
            heap.remove(gone); // twice: the second is a no-op
            reference.remove(gone);
            assertThat(gone.index).isEqualTo(-1);
          }
          break;
        default: // poll
          NioTimer polled = heap.poll();
          NioTimer expected = reference.pollFirst();
          assertThat(polled).isSameAs(expected);
          if (polled != null) {
            live.remove(polled);
          }
      }
      assertThat(heap.size()).isEqualTo(reference.size());
      assertThat(heap.peek()).isSameAs(reference.isEmpty() ? null : reference.first());
    }
    while (heap.size() > 0) {
      assertThat(heap.poll()).isSameAs(reference.pollFirst());
    }
    assertThat(heap.poll()).isNull();
  }

  @Provide
  Arbitrary<List<int[]>> operations() {
    Arbitrary<int[]> op = Arbitraries.integers().between(0, 2)
        .flatMap(kind -> Arbitraries.integers().between(0, 1000).map(arg -> new int[] {kind, arg}));
    return op.list().ofMaxSize(200);
  }
}
