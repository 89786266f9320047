package io.neurostream.console;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Server-sent events to the pages ({@code GET /api/events}): each connected page gets every
 * broadcast ({@code overview} each second, {@code releases}, {@code predictions},
 * {@code dead-letters}, {@code instances} when they change). A page that cannot keep up loses
 * events rather than slowing the others (each has a small queue); a comment every 15 s keeps
 * proxies from closing an idle stream.
 */
final class EventStream {

  /** Pages connected at once; more get 503 and their EventSource retries. */
  static final int MAX_CLIENTS = 64;
  private static final int QUEUE = 64;
  private static final long KEEP_ALIVE_MS = 15_000;

  private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
  private volatile boolean open = true;

  /** Sends {@code data} (one line of JSON) as an event named {@code name} to every page. */
  void broadcast(String name, String data) {
    String frame = "event: " + name + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n";
    for (BlockingQueue<String> q : clients) {
      q.offer(frame); // a full queue drops the event for that page only
    }
  }

  int clients() {
    return clients.size();
  }

  /** Serves one page's stream until it disconnects or the console stops; blocks its thread. */
  void serve(Router.Request request) throws IOException {
    HttpExchange ex = request.exchange();
    if (clients.size() >= MAX_CLIENTS) {
      throw new ApiException(503, "too many open event streams (" + MAX_CLIENTS + "); close "
          + "some console tabs");
    }
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    clients.add(queue);
    try {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      ex.getResponseHeaders().set("Cache-Control", "no-store");
      ex.getResponseHeaders().set("X-Accel-Buffering", "no");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      write(out, "retry: 2000\nevent: hello\ndata: {}\n\n");
      while (open) {
        String frame;
        try {
          frame = queue.poll(KEEP_ALIVE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        write(out, frame == null ? ": keep-alive\n\n" : frame);
      }
    } finally {
      clients.remove(queue);
    }
  }

  private static void write(OutputStream out, String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Ends every stream within a keep-alive interval (the pages reconnect to the next console). */
  void close() {
    open = false;
    clients.forEach(q -> q.offer(": bye\n\n"));
  }
}
