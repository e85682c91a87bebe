package dev.pitcrew.remediations;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Like Fabric8's {@code @EnableKubernetesMockClient(crud = true, https = false)}, with a CRUD mock
 * that honours dry run ({@link DryRunCrudDispatcher}): a static {@code KubernetesClient} (and
 * {@code KubernetesMockServer}) field of the test class is set before all its tests.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ExtendWith(EnableDryRunMockClient.Extension.class)
public @interface EnableDryRunMockClient {

  /** Starts the server and sets the fields; stops it after the class. */
  final class Extension implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS =
        ExtensionContext.Namespace.create(EnableDryRunMockClient.class);

    @Override
    public void beforeAll(ExtensionContext context) throws IllegalAccessException {
      Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
      KubernetesMockServer server =
          new KubernetesMockServer(
              new Context(),
              new MockWebServer(),
              expectations,
              new DryRunCrudDispatcher(expectations),
              false);
      server.init(InetAddress.getLoopbackAddress(), 0);
      KubernetesClient client = server.createClient();
      context.getStore(NS).put("server", server);
      context.getStore(NS).put("client", client);
      for (Class<?> type = context.getRequiredTestClass();
          type != null;
          type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (!Modifier.isStatic(field.getModifiers())) {
            continue;
          }
          if (field.getType() == KubernetesClient.class) {
            field.setAccessible(true);
            field.set(null, client);
          } else if (field.getType() == KubernetesMockServer.class) {
            field.setAccessible(true);
            field.set(null, server);
          }
        }
      }
    }

    @Override
    public void afterAll(ExtensionContext context) {
      KubernetesClient client = context.getStore(NS).remove("client", KubernetesClient.class);
      KubernetesMockServer server =
          context.getStore(NS).remove("server", KubernetesMockServer.class);
      if (client != null) {
        client.close();
      }
      if (server != null) {
        server.destroy();
      }
    }
  }
}
