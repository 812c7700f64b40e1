package dev.idmint.etcd;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The members of an etcd cluster, from {@code etcd://HOST:PORT[,HOST:PORT...]}. */
record Endpoints(String url, List<URI> members) {
  static final String FORM = "etcd://HOST:PORT[,HOST:PORT...]";
  private static final int MAX_MEMBERS = 16;

  /**
   * @throws IllegalArgumentException saying what is wrong with {@code url}
   */
  static Endpoints parse(String url) {
    if (url == null || url.isBlank()) {
      throw bad(url, "it is empty");
    }
    String scheme = "etcd://";
    if (!url.startsWith(scheme)) {
      int sep = url.indexOf("://");
      throw bad(
          url,
          sep > 0
              ? "the scheme is '" + url.substring(0, sep) + "', not etcd (TLS is not supported yet)"
              : "it does not start with etcd://");
    }
    String rest = url.substring(scheme.length());
    for (char c : new char[] {'/', '?', '#', '@', ' '}) {
      if (rest.indexOf(c) >= 0) {
        throw bad(
            url, "'" + c + "' has no place in it: give only host:port pairs, comma-separated");
      }
    }
    Set<String> seen = new LinkedHashSet<>();
    List<URI> members = new ArrayList<>();
    for (String part : rest.split(",", -1)) {
      String hostPort = hostPort(url, part);
      if (!seen.add(hostPort)) {
        throw bad(url, hostPort + " is listed twice");
      }
      members.add(URI.create("http://" + hostPort));
    }
    if (members.size() > MAX_MEMBERS) {
      throw bad(url, members.size() + " members, more than " + MAX_MEMBERS);
    }
    return new Endpoints(scheme + String.join(",", seen), List.copyOf(members));
  }

  private static String hostPort(String url, String part) {
    if (part.isEmpty()) {
      throw bad(url, "a member is empty (a stray comma?)");
    }
    int colon = part.lastIndexOf(':');
    if (colon < 0) {
      throw bad(url, "'" + part + "' has no port");
    }
    String host = part.substring(0, colon);
    String port = part.substring(colon + 1);
    if (host.startsWith("[")) {
      if (!host.endsWith("]")
          || host.length() < 3
          || !host.substring(1, host.length() - 1).matches("[0-9A-Fa-f:.]+")) {
        throw bad(url, "'" + host + "' is not an IPv6 address in brackets");
      }
    } else if (!host.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")) {
      throw bad(url, "'" + host + "' is not a host name or address");
    }
    int p;
    try {
      p = port.matches("[0-9]{1,5}") ? Integer.parseInt(port) : -1;
    } catch (NumberFormatException e) {
      p = -1;
    }
    if (p < 1 || p > 65535) {
      throw bad(url, "'" + port + "' in '" + part + "' is not a port (1 to 65535)");
    }
    return host + ":" + p;
  }

  private static IllegalArgumentException bad(String url, String why) {
    return new IllegalArgumentException(
        "registry URL must look like " + FORM + ", got '" + url + "': " + why);
  }
}
