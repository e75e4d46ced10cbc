namespace Tessera.Hosting;

/// <summary>
/// Tessera will not start as configured, and the operator can fix it: the CLI prints the message alone on one line
/// (no stack trace) and exits with status 2.
/// </summary>
public sealed class StartupRefusedException(string message) : Exception(message);
