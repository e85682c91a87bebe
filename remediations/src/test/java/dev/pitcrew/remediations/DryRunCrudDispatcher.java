package dev.pitcrew.remediations;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.util.Map;
import java.util.Queue;

/**
 * Fabric8's CRUD dispatcher, with dry-run writes that change nothing, as a real API server's: the
 * mock itself applies a {@code ?dryRun=All} write for real. It answers a dry-run patch with the
 * object as it is, which is enough for previews (they only need the server's yes or no). It still
 * enforces no RBAC and runs no admission webhooks. Scripted answers ({@code server.expect()}) come
 * first, as in Fabric8's own mixed mode.
 */
public class DryRunCrudDispatcher extends KubernetesCrudDispatcher {
  private final Map<ServerRequest, Queue<ServerResponse>> expectations;
  private final MockDispatcher scripted;

  public DryRunCrudDispatcher(Map<ServerRequest, Queue<ServerResponse>> expectations) {
    this.expectations = expectations;
    this.scripted = new MockDispatcher(expectations);
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    Queue<ServerResponse> queued =
        expectations.get(
            new SimpleRequest(HttpMethod.valueOf(request.getMethod()), request.getPath()));
    return queued != null && !queued.isEmpty()
        ? scripted.dispatch(request)
        : super.dispatch(request);
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    if (request.getPath().contains("dryRun=All")) {
      return super.handleGet(request.getPath().substring(0, request.getPath().indexOf('?')));
    }
    return super.handlePatch(request);
  }
}
