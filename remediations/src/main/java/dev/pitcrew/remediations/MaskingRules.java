package dev.pitcrew.remediations;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * The masking rules: secret-looking keys, found by a scan in code, and credential shapes, found by
 * patterns. Each pattern runs on a budget of steps linear in the text; a pattern that exceeds it
 * (one from a policy file that backtracks) withholds the whole text rather than let it through.
 */
final class MaskingRules implements Masking {
  /** What a text reads when a pattern ran out of budget: nothing of it is shown. */
  static final String WITHHELD_KIND = "withheld";

  private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,39}");
  private static final String SECRET_GROUP = "(?<secret>";
  private static final int MAX_KEY = 128;
  private static final int MAX_QUOTED = 4096;
  private static final Set<String> NOT_CREDENTIALS = Set.of("true", "false", "null", "~");
  private static final Set<String> AUTH_SCHEMES =
      Set.of("bearer", "basic", "token", "digest", "negotiate");

  /** The shipped rules; last of the constants, since loading them uses the others. */
  static final MaskingRules SHIPPED = load("masking.yaml");

  /** One credential shape. */
  record PatternRule(String kind, Pattern pattern, boolean secretGroup, List<String> hints) {
    /** A rule that runs on every text. */
    static PatternRule of(String kind, String regex) {
      return of(kind, regex, List.of());
    }

    /** A rule that runs only on text holding one of {@code hints} (lower case). */
    static PatternRule of(String kind, String regex, List<String> hints) {
      if (kind == null || !KIND.matcher(kind).matches()) {
        throw new IllegalArgumentException(
            "kind '" + kind + "' must be a lower-case word of letters, digits and _");
      }
      if (regex == null || regex.isEmpty()) {
        throw new IllegalArgumentException("pattern of " + kind + " is empty");
      }
      try {
        return new PatternRule(
            kind, Pattern.compile(regex), regex.contains(SECRET_GROUP), List.copyOf(hints));
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "pattern of " + kind + " does not compile: " + e.getDescription(), e);
      }
    }
  }

  private final Map<List<String>, String> phrases;
  private final int longestPhrase;

  /** One-word phrases long enough to be recognised at the end of a word: PGPASSWORD. */
  private final Map<String, String> suffixes;

  private final List<PatternRule> patterns;
  private final Set<String> allowKeys;
  private final Masking.Listener listener;

  private MaskingRules(
      Map<List<String>, String> phrases,
      List<PatternRule> patterns,
      Set<String> allowKeys,
      Masking.Listener listener) {
    this.phrases = Map.copyOf(phrases);
    this.longestPhrase = phrases.keySet().stream().mapToInt(List::size).max().orElse(1);
    this.suffixes =
        phrases.entrySet().stream()
            .filter(e -> e.getKey().size() == 1 && e.getKey().get(0).length() >= 6)
            .collect(Collectors.toMap(e -> e.getKey().get(0), Map.Entry::getValue));
    this.patterns = List.copyOf(patterns);
    this.allowKeys =
        allowKeys.stream().map(k -> k.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    this.listener = listener;
  }

  MaskingRules with(List<PatternRule> extra, Set<String> allowed, Masking.Listener heard) {
    List<PatternRule> all = new ArrayList<>(patterns);
    all.addAll(extra);
    Set<String> allow = new java.util.HashSet<>(allowKeys);
    allow.addAll(allowed);
    return new MaskingRules(phrases, all, allow, heard);
  }

  @Override
  public String mask(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    Map<String, Integer> counts = new TreeMap<>();
    String out = text;
    String lower = text.toLowerCase(Locale.ROOT);
    for (PatternRule rule : patterns) {
      if (!rule.hints().isEmpty() && rule.hints().stream().noneMatch(lower::contains)) {
        continue; // earlier rules only put markers in, and no marker holds a shipped hint
      }
      try {
        out = apply(rule, out, counts);
      } catch (BudgetExceeded e) {
        listener.masked(WITHHELD_KIND, 1);
        return Masking.marker(
            "output withheld: masking pattern " + rule.kind() + " ran out of its time budget");
      }
    }
    out = maskKeys(out, counts);
    counts.forEach(listener::masked);
    return out;
  }

  @Override
  public Optional<String> secretKind(String key) {
    if (key == null || key.isEmpty() || allowKeys.contains(key.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    List<String> words = words(key);
    for (int n = Math.min(longestPhrase, words.size()); n >= 1; n--) {
      String kind = phrases.get(words.subList(words.size() - n, words.size()));
      if (kind != null) {
        return Optional.of(kind);
      }
    }
    if (words.isEmpty()) {
      return Optional.empty();
    }
    String last = words.get(words.size() - 1);
    return suffixes.entrySet().stream()
        .filter(e -> last.endsWith(e.getKey()))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  @Override
  public Optional<String> maskedValueOf(String key) {
    return secretKind(key)
        .map(
            kind -> {
              listener.masked(kind, 1);
              return Masking.marker(kind);
            });
  }

  private static String apply(PatternRule rule, String text, Map<String, Integer> counts) {
    Matcher m = rule.pattern().matcher(new Budgeted(text, 1_000L * text.length() + 1_000_000L));
    StringBuilder out = null;
    int copied = 0;
    while (m.find()) {
      int start = rule.secretGroup() ? m.start("secret") : m.start();
      int end = rule.secretGroup() ? m.end("secret") : m.end();
      if (start < 0 || end <= start || text.startsWith(MARKER_PREFIX, start)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length());
      }
      out.append(text, copied, start).append(Masking.marker(rule.kind()));
      copied = end;
      counts.merge(rule.kind(), 1, Integer::sum);
    }
    return out == null ? text : out.append(text, copied, text.length()).toString();
  }

  /**
   * Masks the values of secret-looking keys: one pass over the text, looking back from each {@code
   * :} or {@code =} over a bounded key and forward over its value.
   */
  private String maskKeys(String text, Map<String, Integer> counts) {
    int n = text.length();
    StringBuilder out = null;
    int copied = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c != ':' && c != '=') {
        continue;
      }
      if (c == '=' && i + 1 < n && text.charAt(i + 1) == '=') {
        i++; // a comparison, not an assignment
        continue;
      }
      if (c == ':' && text.startsWith("//", i + 1)) {
        continue; // a URL's scheme
      }
      int j = i - 1;
      for (int spaces = 0; j >= 0 && blank(text.charAt(j)) && spaces < 8; spaces++) {
        j--;
      }
      char quote = 0;
      if (j >= 0 && (text.charAt(j) == '"' || text.charAt(j) == '\'')) {
        quote = text.charAt(j);
        j--;
      }
      int keyEnd = j + 1;
      while (j >= 0 && keyChar(text.charAt(j)) && keyEnd - j <= MAX_KEY) {
        j--;
      }
      int keyStart = j + 1;
      if (keyStart == keyEnd) {
        continue; // a longer key is read by its last characters, where its last words are
      }
      if (quote != 0 && (j < 0 || text.charAt(j) != quote)) {
        continue;
      }
      Optional<String> kind = secretKind(text.substring(keyStart, keyEnd));
      if (kind.isEmpty()) {
        continue;
      }
      int v = i + 1;
      int spaces = 0;
      while (v < n && blank(text.charAt(v)) && spaces < 8) {
        v++;
        spaces++;
      }
      if (v >= n) {
        break;
      }
      int start;
      int end;
      char first = text.charAt(v);
      if (first == '"' || first == '\'') {
        start = v + 1;
        end = start;
        while (end < n
            && text.charAt(end) != first
            && text.charAt(end) != '\n'
            && end - start < MAX_QUOTED) {
          end += text.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(end, n);
      } else {
        start = v;
        end = start;
        if (c == ':' && spaces > 0 && startsLine(text, quote == 0 ? keyStart : keyStart - 1)) {
          // YAML: the value is the rest of the line, a passphrase with spaces included.
          while (end < n && text.charAt(end) != '\n' && text.charAt(end) != '\r') {
            end++;
          }
          while (end > start && blank(text.charAt(end - 1))) {
            end--;
          }
        } else {
          end = token(text, start);
          // "Authorization: Bearer abc" style: the scheme and the credential after it.
          if (AUTH_SCHEMES.contains(text.substring(start, end).toLowerCase(Locale.ROOT))
              && end < n
              && blank(text.charAt(end))) {
            int next = end;
            while (next < n && blank(text.charAt(next)) && next - end < 8) {
              next++;
            }
            end = token(text, next);
          }
        }
      }
      String value = text.substring(start, end);
      if (value.isEmpty()
          || value.contains(MARKER_PREFIX.strip())
          || NOT_CREDENTIALS.contains(value.toLowerCase(Locale.ROOT))) {
        i = Math.max(i, end - 1);
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, start).append(Masking.marker(kind.get()));
      copied = end;
      counts.merge(kind.get(), 1, Integer::sum);
      i = Math.max(i, end - 1);
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  /** The end of an unquoted value starting at {@code start}. */
  private static int token(String text, int start) {
    int end = start;
    while (end < text.length() && !stops(text.charAt(end))) {
      end++;
    }
    return end;
  }

  private static boolean stops(char c) {
    return Character.isWhitespace(c) || ",;&\"')]}<>".indexOf(c) >= 0;
  }

  /** Whether only indentation (and a YAML list dash) stands before {@code at} on its line. */
  private static boolean startsLine(String text, int at) {
    int k = at - 1;
    while (k >= 0 && blank(text.charAt(k))) {
      k--;
    }
    if (k >= 0 && text.charAt(k) == '-') {
      k--;
      while (k >= 0 && blank(text.charAt(k))) {
        k--;
      }
    }
    return k < 0 || text.charAt(k) == '\n' || text.charAt(k) == '\r';
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t';
  }

  private static boolean keyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.';
  }

  /** {@code DB_PASSWORD} -> [db, password]; {@code apiKey} -> [api, key]; {@code APIKey} too. */
  static List<String> words(String key) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!Character.isLetterOrDigit(c)) {
        flush(word, words);
        continue;
      }
      if (Character.isUpperCase(c) && word.length() > 0) {
        char prev = key.charAt(i - 1);
        boolean nextLower = i + 1 < key.length() && Character.isLowerCase(key.charAt(i + 1));
        if (Character.isLowerCase(prev)
            || Character.isDigit(prev)
            || (Character.isUpperCase(prev) && nextLower)) {
          flush(word, words);
        }
      }
      word.append(Character.toLowerCase(c));
    }
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  /** The rule file's shape. */
  record RuleFile(
      @JsonProperty("keys") Map<String, List<String>> keys,
      @JsonProperty("allowKeys") List<String> allowKeys,
      @JsonProperty("patterns") List<PatternFile> patterns) {}

  record PatternFile(
      @JsonProperty("kind") String kind,
      @JsonProperty("regex") String regex,
      @JsonProperty("hints") List<String> hints) {}

  private static MaskingRules load(String resource) {
    YAMLMapper yaml =
        YAMLMapper.builder().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    RuleFile file;
    try (InputStream in = MaskingRules.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the shipped masking rules " + resource + " are missing");
      }
      file = yaml.readValue(in, RuleFile.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the shipped masking rules " + resource + " are broken", e);
    }
    Map<List<String>, String> phrases = new HashMap<>();
    file.keys()
        .forEach(
            (kind, list) ->
                list.forEach(
                    p -> phrases.put(List.of(p.toLowerCase(Locale.ROOT).split(" ")), kind)));
    List<PatternRule> patterns =
        file.patterns().stream()
            .map(
                p -> PatternRule.of(p.kind(), p.regex(), p.hints() == null ? List.of() : p.hints()))
            .toList();
    return new MaskingRules(phrases, patterns, Set.copyOf(file.allowKeys()), (kind, count) -> {});
  }

  private static final class BudgetExceeded extends RuntimeException {
    BudgetExceeded() {
      super(null, null, false, false);
    }
  }

  /**
   * The text as the regex engine reads it, counting every character read: a pattern that backtracks
   * past the budget stops with {@link BudgetExceeded} instead of running for minutes.
   */
  private static final class Budgeted implements CharSequence {
    private final String text;
    private long left;

    Budgeted(String text, long budget) {
      this.text = text;
      this.left = budget;
    }

    @Override
    public char charAt(int index) {
      if (--left < 0) {
        throw new BudgetExceeded();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.subSequence(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
