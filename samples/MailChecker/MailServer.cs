using System.Globalization;

namespace Example.MailChecker;

/// <summary>The helper's implementation. Its message parser has a bug: a malformed header crashes the process.</summary>
internal sealed class MailServer : IMailServer
{
    private static readonly Dictionary<string, string[]> s_mailboxes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["inbox"] = ["Subject: Lunch on Friday?", "Subject: Your parcel is on its way", "Subject: Minutes of Monday's meeting"],
        ["work"] = ["Subject: Build is green again"],
        ["spam"] = ["Subject: You have won", "Subject: =?utf-8?Q?=E2=82=AC=?=\0\0\0 (malformed)"],
    };

    public async ValueTask<MailboxSummary> CheckAsync(string mailbox, CancellationToken cancellationToken)
    {
        await Task.Delay(100, cancellationToken); // the round trip to the mail server
        var messages = s_mailboxes.GetValueOrDefault(mailbox) ?? [];
        var subjects = messages.Select(ParseSubject).ToArray();
        return new MailboxSummary(mailbox, subjects, Environment.ProcessId, UserId());
    }

    private static string ParseSubject(string header)
    {
        if (header.Contains('\0', StringComparison.Ordinal))
        {
            // The bug: the parser's "can't happen" branch takes the whole process down, as native parsers do.
            Environment.FailFast("MIME header parser: unterminated encoded word");
        }

        return header["Subject: ".Length..];
    }

    private static uint UserId()
        => uint.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
}
