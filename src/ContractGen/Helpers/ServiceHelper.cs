using System.Runtime.Versioning;
using Microsoft.Extensions.Logging;

namespace ContractGen;

/// <summary>Creates connections to private helpers (the XPC service model, <see cref="ServiceContext.Application"/>).</summary>
/// <example>
/// <code>
/// await using var helper = ServiceHelper.Create&lt;IMailServer&gt;(HelperOptions.ForDotNetAssembly("MailServer.dll"), loggerFactory);
/// helper.Interrupted += (_, e) =&gt; Console.WriteLine($"mail server {e.Description}; it restarts on the next call");
/// var summary = await helper.Proxy.CheckAsync("inbox");   // starts the helper
/// </code>
/// </example>
[SupportedOSPlatform("linux")]
public static class ServiceHelper
{
    /// <summary>
    /// Creates a connection to a private helper for <typeparamref name="TContract"/>. Nothing starts yet: the first call
    /// on <see cref="HelperConnection{TContract}.Proxy"/> (or <see cref="HelperConnection.StartAsync"/>) starts the helper.
    /// </summary>
    /// <param name="options">How to start, confine, relaunch and retire the helper.</param>
    /// <param name="loggerFactory">Where launches, refused peers, crashes, idle exits and the helper's output are logged.</param>
    /// <exception cref="ArgumentException">An option is out of range; the message says which.</exception>
    /// <exception cref="ContractNotGeneratedException">No code was generated for <typeparamref name="TContract"/>.</exception>
    public static HelperConnection<TContract> Create<TContract>(HelperOptions options, ILoggerFactory? loggerFactory = null)
        where TContract : class
        => new(ContractRegistry.Get<TContract>(), options, loggerFactory);
}
