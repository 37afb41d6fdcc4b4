using System;
using System.Collections.Generic;
using System.Linq;

namespace ContractGen.CodeAnalysis;

/// <summary>
/// What the name of a parameter or member says it carries, read word by word (<c>callerUid</c>, <c>caller_uid</c> and
/// <c>CallerUID</c> are all "caller uid"). In English compounds the last word names the thing (a <c>pidFile</c> is a
/// file, a <c>userAgent</c> an agent), so most phrases must end the name.
/// </summary>
internal static class InputNames
{
    // Names (or their last words) that say "this is who is calling".
    private static readonly string[][] IdentityEndings =
    {
        new[] { "uid" }, new[] { "gid" }, new[] { "pid" }, new[] { "euid" }, new[] { "egid" }, new[] { "ruid" },
        new[] { "user" }, new[] { "user", "id" }, new[] { "user", "name" }, new[] { "userid" }, new[] { "username" },
        new[] { "login" }, new[] { "login", "name" }, new[] { "logon", "name" },
        new[] { "process", "id" }, new[] { "group", "id" }, new[] { "peer", "credentials" },
    };

    // "is admin", "as root", "has root": flags that claim a privilege.
    private static readonly HashSet<string> ClaimVerbs = new(StringComparer.Ordinal) { "is", "as", "has", "am" };

    private static readonly HashSet<string> Privileges = new(StringComparer.Ordinal)
    {
        "admin", "administrator", "root", "superuser", "sudo", "sudoer", "privileged", "elevated", "wheel",
    };

    // Words that make a string a file-system path.
    private static readonly HashSet<string> PathWords = new(StringComparer.Ordinal)
    {
        "path", "file", "filename", "filepath", "pathname", "dir", "directory", "folder", "dirname",
    };

    // What a path-like name may end with: "pidFile", "outputDir", "fileName", "logPath".
    private static readonly HashSet<string> PathHeads = new(StringComparer.Ordinal)
    {
        "path", "file", "filename", "filepath", "pathname", "dir", "directory", "folder", "dirname", "name",
    };

    /// <summary>The lower-case words of an identifier: <c>isAdmin</c> → is, admin; <c>HTTPPath</c> → http, path; <c>user_id2</c> → user, id, 2.</summary>
    public static IReadOnlyList<string> Words(string name)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (!char.IsLetterOrDigit(c))
            {
                Flush(i);
                continue;
            }

            if (start >= 0 && StartsWord(name, i))
            {
                Flush(i);
            }

            if (start < 0)
            {
                start = i;
            }
        }

        Flush(name.Length);
        return words;

        void Flush(int end)
        {
            if (start >= 0)
            {
                words.Add(name.Substring(start, end - start).ToLowerInvariant());
                start = -1;
            }
        }
    }

    /// <summary>Whether a name claims who the caller is: a user, group or process id, a user name, or a privilege flag.</summary>
    public static bool ClaimsIdentity(string name)
    {
        var words = Words(name);
        if (words.Count == 0)
        {
            return false;
        }

        // "caller", "callerId", "callerUid", "caller_name": anything that describes the caller.
        if (words[0] == "caller" || (words.Count > 1 && words[0] == "calling" && words[1] is "user" or "process"))
        {
            return true;
        }

        if (IdentityEndings.Any(ending => EndsWith(words, ending)))
        {
            return true;
        }

        // "isAdmin", "asRoot", "runAsRoot", "hasRootAccess" is not: it ends with "access", but "isRootUser" ends with "user".
        return words.Count >= 2 && ClaimVerbs.Contains(words[words.Count - 2]) && Privileges.Contains(words[words.Count - 1]);
    }

    /// <summary>Whether a name says it holds a file-system path: a path word, ending the name or followed by "name".</summary>
    public static bool IsPathLike(string name)
    {
        var words = Words(name);
        return words.Count > 0 && PathHeads.Contains(words[words.Count - 1]) && words.Any(PathWords.Contains);
    }

    private static bool EndsWith(IReadOnlyList<string> words, string[] ending)
    {
        if (words.Count < ending.Length)
        {
            return false;
        }

        for (var i = 0; i < ending.Length; i++)
        {
            if (words[words.Count - ending.Length + i] != ending[i])
            {
                return false;
            }
        }

        return true;
    }

    // A new word starts at an upper-case letter after a lower-case letter or digit ("userId"), at the last capital of an
    // acronym followed by lower case ("HTTPPath" → HTTP, Path), and where letters and digits meet ("id2").
    private static bool StartsWord(string name, int i)
    {
        char previous = name[i - 1], current = name[i];
        if (char.IsUpper(current))
        {
            return char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && i + 1 < name.Length && char.IsLower(name[i + 1]));
        }

        return char.IsDigit(current) != char.IsDigit(previous);
    }
}
