package dev.pitcrew.bot.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pitcrew.approvals.KubernetesIdentity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdentitiesTest {
  private static final KubernetesIdentity REQUESTER =
      new KubernetesIdentity(
          KubernetesIdentity.Mode.REQUESTER,
          Map.of("UOPS", "system:serviceaccount:ops:robot"),
          Map.of("SSRE", List.of("sre"), "SDEV", List.of("dev")),
          true,
          Set.of("example.com"));

  private final Identities identities =
      new Identities(
          REQUESTER,
          user ->
              switch (user) {
                case "UALICE" -> Optional.of("alice@example.com");
                case "UEVIL" -> Optional.of("system:admin");
                case "UOTHER" -> Optional.of("mallory@elsewhere.example");
                case "UCRLF" -> Optional.of("eve@example.com\r\nImpersonate-Group: system:masters");
                default -> Optional.empty();
              },
          group -> group.equals("SSRE") ? Set.of("UALICE") : Set.of());

  @Test
  void aRequesterIsTheirEmailWithTheGroupsOfTheirSlackGroups() {
    assertThat(identities.of("UALICE"))
        .isEqualTo(new Identities.Known(new Identity("alice@example.com", List.of("sre"))));
  }

  @Test
  void theExplicitMapWinsAndMayNameAnyUser() {
    assertThat(identities.of("UOPS"))
        .isEqualTo(
            new Identities.Known(new Identity("system:serviceaccount:ops:robot", List.of())));
  }

  @Test
  void aProfileEmailThatIsNotAPlainAddressIsNeverImpersonated() {
    assertThat(identities.of("UEVIL")).isInstanceOf(Identities.Unmapped.class);
    assertThat(identities.of("UCRLF")).isInstanceOf(Identities.Unmapped.class);
  }

  @Test
  void noMappingIsARefusalNeverPitcrewsOwnRights() {
    assertThat(identities.of("UNOBODY"))
        .isEqualTo(
            new Identities.Unmapped(
                "Pitcrew acts on the cluster as the person who asks, and UNOBODY has no"
                    + " Kubernetes user: not in the policy's kubernetes.users and no confirmed"
                    + " email of this workspace on their profile. Ask whoever runs Pitcrew to map"
                    + " you"));
  }

  @Test
  void anEmailOfADomainThePolicyDoesNotListIsNeverImpersonated() {
    assertThat(identities.of("UOTHER"))
        .isEqualTo(
            new Identities.Unmapped(
                "Pitcrew acts on the cluster as the person who asks, and UOTHER has no Kubernetes"
                    + " user: not in the policy's kubernetes.users and their profile email is not"
                    + " of a domain in kubernetes.emailDomains. Ask whoever runs Pitcrew to map"
                    + " you"));
  }

  @Test
  void withoutEmailMappingOnlyTheExplicitMapCounts() {
    Identities explicitOnly =
        new Identities(
            new KubernetesIdentity(
                KubernetesIdentity.Mode.REQUESTER, Map.of(), Map.of(), false, Set.of()),
            user -> Optional.of("alice@example.com"),
            group -> Set.of());

    assertThat(explicitOnly.of("UALICE")).isInstanceOf(Identities.Unmapped.class);
  }

  @Test
  void inBotModeEveryoneIsPitcrew() {
    assertThat(
            new Identities(
                    KubernetesIdentity.bot(),
                    UserDirectory.none(),
                    dev.pitcrew.approvals.GroupDirectory.none())
                .of("UNOBODY"))
        .isEqualTo(new Identities.Known(Identity.bot()));
  }
}
