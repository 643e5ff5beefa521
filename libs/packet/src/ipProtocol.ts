/** IP protocol / IPv6 next-header numbers (IANA "Assigned Internet Protocol Numbers"). */
export const IpProtocol = {
  HopByHop: 0,
  ICMP: 1,
  /** IPv4 encapsulated in IP (IP-in-IP). */
  IPv4: 4,
  TCP: 6,
  UDP: 17,
  /** IPv6 encapsulated in IP. */
  IPv6: 41,
  Routing: 43,
  Fragment: 44,
  ICMPv6: 58,
  NoNextHeader: 59,
  DestinationOptions: 60,
} as const;
