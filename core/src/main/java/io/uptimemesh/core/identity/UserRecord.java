package io.uptimemesh.core.identity;

/**
 * An operator account.
 *
 * @param username login name
 * @param passwordHash Argon2id PHC string; never the password
 * @param mustChangePassword true until the generated bootstrap password is changed
 * @param createdAtMs epoch milliseconds
 */
public record UserRecord(
    String username, String passwordHash, boolean mustChangePassword, long createdAtMs) {

  @Override
  public String toString() {
    return "UserRecord[username=" + username + ", mustChangePassword=" + mustChangePassword + "]";
  }
}
