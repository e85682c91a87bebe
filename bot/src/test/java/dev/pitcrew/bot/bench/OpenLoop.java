package dev.pitcrew.bot.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The benchmarks' sender: requests at a fixed rate whatever the answers do (open loop, so a slow
 * server does not slow the sender and hide its own queueing), each timed from its own send.
 */
public final class OpenLoop {
  private OpenLoop() {}

  /**
   * One answer.
   *
   * @param sentNanos when it was sent ({@link System#nanoTime()})
   * @param response null if the request failed
   * @param failure null if it was answered
   */
  public record Answer(
      long sentNanos, double millis, HttpResponse<String> response, Throwable failure) {
    public boolean ok() {
      return response != null && response.statusCode() == 200;
    }
  }

  /**
   * Sends {@code total} requests, {@code rate} a second, and waits up to {@code patience} after the
   * last one for their answers.
   *
   * @param onAnswer told each answer as it arrives, on the HTTP client's threads
   * @return how many were answered (or failed) in time
   */
  public static int run(
      HttpClient client,
      int rate,
      int total,
      Supplier<HttpRequest> next,
      Consumer<Answer> onAnswer,
      Duration patience)
      throws InterruptedException {
    CountDownLatch answered = new CountDownLatch(total);
    AtomicInteger sent = new AtomicInteger();
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try {
      ticker.scheduleAtFixedRate(
          () -> {
            if (sent.getAndIncrement() >= total) {
              return;
            }
            HttpRequest request = next.get();
            long start = System.nanoTime();
            client
                .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                    (r, e) -> {
                      try {
                        onAnswer.accept(new Answer(start, (System.nanoTime() - start) / 1e6, r, e));
                      } finally {
                        answered.countDown();
                      }
                    });
          },
          0,
          1_000_000_000L / rate,
          TimeUnit.NANOSECONDS);
      long sending = TimeUnit.SECONDS.toNanos(total / Math.max(1, rate) + 1);
      answered.await(sending + patience.toNanos(), TimeUnit.NANOSECONDS);
      return total - (int) answered.getCount();
    } finally {
      ticker.shutdownNow();
    }
  }
}
