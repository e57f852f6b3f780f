package io.uptimemesh.testkit;

import io.uptimemesh.core.net.IpText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Asks one DNS server (dnsjava, UDP, no retries, no recursion) for one name and type, and gives the
 * answer section as plain values: what a client of the discovery zone would see. Addresses come
 * back in the project's canonical text ({@link IpText}), so they compare equal to the zone's.
 *
 * <p>A timeout or an unreachable server throws {@link UncheckedIOException}; a negative answer
 * (NXDOMAIN, or no data of that type) is an empty list, so a poll can tell "record gone" from
 * "server down".
 */
public final class DnsQuery {
  private final SimpleResolver resolver;

  /** One answer record: owner name (absolute, lower case), type, TTL and the record's data. */
  public record Rr(String name, String type, long ttl, String data) {}

  /** The response code ({@link Rcode#string}, e.g. NOERROR, NXDOMAIN) and the answer section. */
  public record Answer(String rcode, List<Rr> records) {
    /** The data of the answer records of this type, sorted. */
    public List<String> data(String type) {
      return records.stream().filter(r -> r.type().equals(type)).map(Rr::data).sorted().toList();
    }
  }

  /** An SRV record's data; target absolute, lower case, with the trailing dot. */
  public record Srv(int priority, int weight, int port, String target) {}

  /**
   * @param server an IP literal
   * @param port the server's port
   * @param timeout how long one query may take
   */
  public DnsQuery(String server, int port, Duration timeout) {
    try {
      resolver = new SimpleResolver(InetAddress.getByName(server));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    resolver.setPort(port);
    resolver.setTimeout(timeout);
    resolver.setTCP(false);
  }

  /** A query of the server a {@link KnotServer} listens on (in the test's namespace). */
  public static DnsQuery of(KnotServer knot) {
    return new DnsQuery(knot.address(), knot.port(), Duration.ofMillis(500));
  }

  /** Sends one query; the name is taken as absolute whether or not it ends in a dot. */
  public Answer lookup(String name, int type) {
    Name qname;
    try {
      qname = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException("not a DNS name: " + name, e);
    }
    Message query = Message.newQuery(Record.newRecord(qname, type, DClass.IN));
    Message response;
    try {
      response = resolver.send(query);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "no answer to " + name + " " + Type.string(type) + ": " + e.getMessage(), e);
    }
    List<Rr> records = new ArrayList<>();
    for (Record r : response.getSection(Section.ANSWER)) {
      records.add(
          new Rr(
              r.getName().toString().toLowerCase(java.util.Locale.ROOT),
              Type.string(r.getType()),
              r.getTTL(),
              data(r)));
    }
    return new Answer(Rcode.string(response.getRcode()), records);
  }

  /** The A records' addresses, sorted; empty when there are none. */
  public List<String> a(String name) {
    return lookup(name, Type.A).data("A");
  }

  /** The AAAA records' addresses (RFC 5952 text), sorted. */
  public List<String> aaaa(String name) {
    return lookup(name, Type.AAAA).data("AAAA");
  }

  /** The SRV records, sorted by port and target. */
  public List<Srv> srv(String name) {
    List<Srv> out = new ArrayList<>();
    for (String d : lookup(name, Type.SRV).data("SRV")) {
      String[] f = d.split(" ");
      out.add(
          new Srv(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]), f[3]));
    }
    out.sort(java.util.Comparator.comparingInt(Srv::port).thenComparing(Srv::target));
    return out;
  }

  /** The zone's SOA serial as served, or empty when the server has no SOA for it. */
  public OptionalLong soaSerial(String zone) {
    List<String> soa = lookup(zone, Type.SOA).data("SOA");
    return soa.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(soa.get(0)));
  }

  /**
   * A record's data as text: the address for A/AAAA, "priority weight port target" for SRV, the
   * serial for SOA, dnsjava's presentation format otherwise.
   */
  private static String data(Record r) {
    if (r instanceof ARecord a) {
      return IpText.format(a.getAddress().getAddress());
    }
    if (r instanceof AAAARecord aaaa) {
      return IpText.format(aaaa.getAddress().getAddress());
    }
    if (r instanceof SRVRecord srv) {
      return srv.getPriority()
          + " "
          + srv.getWeight()
          + " "
          + srv.getPort()
          + " "
          + srv.getTarget().toString().toLowerCase(java.util.Locale.ROOT);
    }
    if (r instanceof SOARecord soa) {
      return Long.toString(soa.getSerial());
    }
    return r.rdataToString();
  }
}
