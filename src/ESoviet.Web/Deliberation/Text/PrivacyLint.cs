using System.Text.RegularExpressions;

namespace ESoviet.Web.Deliberation.Text;

public enum PrivacyWarningKind
{
    PhoneNumber,
    EmailAddress,
    PostalAddress,
}

/// <param name="Index">Where <paramref name="Excerpt"/> starts in the checked text.</param>
public sealed record PrivacyWarning(PrivacyWarningKind Kind, string Excerpt, int Index)
{
    public string Message => Kind switch
    {
        PrivacyWarningKind.PhoneNumber => $"“{Excerpt}” looks like a phone number.",
        PrivacyWarningKind.EmailAddress => $"“{Excerpt}” looks like an e-mail address.",
        _ => $"“{Excerpt}” looks like a postal address.",
    } + " " + PrivacyLint.PermanenceReminder;
}

/// <summary>
/// Warns an author, before posting, that a text seems to hold someone's contact details. It never
/// blocks: a warning the author can dismiss costs little, while the archive keeps every contribution
/// for good. Heuristics lean towards silence on numbers that deliberations are full of (dates, years,
/// vote counts, decision numbers like D-12, versions, amounts of money).
/// </summary>
public static partial class PrivacyLint
{
    public const string PermanenceReminder =
        "Contributions are kept in the permanent archive and cannot be erased later: share contact details privately instead.";

    /// <summary>Past this many, further warnings help nobody.</summary>
    public const int MaxWarnings = 50;

    public static IReadOnlyList<PrivacyWarning> Check(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return [];

        var warnings = new List<PrivacyWarning>();
        foreach (Match match in Email().Matches(text))
            warnings.Add(new(PrivacyWarningKind.EmailAddress, match.Value, match.Index));

        var withoutDates = MaskDates(text);
        foreach (Match match in Phone().Matches(withoutDates))
        {
            if (IsPhoneNumber(withoutDates, match))
                warnings.Add(new(PrivacyWarningKind.PhoneNumber, text.Substring(match.Index, match.Length), match.Index));
        }

        foreach (var pattern in AddressPatterns)
        {
            foreach (Match match in pattern().Matches(text))
                warnings.Add(new(PrivacyWarningKind.PostalAddress, match.Value.Trim(), match.Index));
        }

        return Deduplicate(warnings);
    }

    /// <summary>
    /// One warning per stretch of text and kind, the longest where patterns overlap, and no phone
    /// number inside an e-mail address. Sorted by position, so the last kept end of each kind suffices.
    /// </summary>
    private static List<PrivacyWarning> Deduplicate(List<PrivacyWarning> warnings)
    {
        var kept = new List<PrivacyWarning>();
        var keptUpTo = new Dictionary<PrivacyWarningKind, int>();
        foreach (var warning in warnings.OrderBy(w => w.Index).ThenByDescending(w => w.Excerpt.Length))
        {
            if (warning.Index < keptUpTo.GetValueOrDefault(warning.Kind))
                continue;
            if (warning.Kind == PrivacyWarningKind.PhoneNumber &&
                warning.Index < keptUpTo.GetValueOrDefault(PrivacyWarningKind.EmailAddress))
                continue;
            kept.Add(warning);
            keptUpTo[warning.Kind] = warning.Index + warning.Excerpt.Length;
            if (kept.Count == MaxWarnings)
                break;
        }
        return kept;
    }

    /// <summary>Replaces dates, times and year ranges by letters so their digits cannot join a phone number.</summary>
    private static string MaskDates(string text) =>
        DateLike().Replace(text, match => new string('x', match.Length));

    private static bool IsPhoneNumber(string text, Match match)
    {
        var candidate = match.Value;
        var digits = candidate.Count(char.IsAsciiDigit);
        var separated = candidate.Any(c => !char.IsAsciiDigit(c) && c != '+');
        if (digits is < 7 or > 15)
            return false;

        // Without separators, only an international prefix or a trunk zero before ten digits makes a
        // long number a phone number; otherwise it is as likely a membership or account number.
        if (!separated && !(candidate.StartsWith('+') || candidate.StartsWith("00", StringComparison.Ordinal) ||
                            (candidate.StartsWith('0') && digits >= 10)))
            return false;

        // "12 3 1" and "sections 1 2 3 4 5 6 7" are counts; phone numbers have at most one one-digit group.
        if (DigitGroups().Matches(candidate).Count(group => group.Length == 1) > 1)
            return false;

        var before = text[Math.Max(0, match.Index - 24)..match.Index];
        if (PhoneCue().IsMatch(before))
            return true;
        var after = text[(match.Index + match.Length)..Math.Min(text.Length, match.Index + match.Length + 12)];
        if (CurrencyBefore().IsMatch(before) || CurrencyAfter().IsMatch(after))
            return false;
        if (NotAPhoneBefore().IsMatch(before))
            return false;
        if (IpAddress().IsMatch(candidate))
            return false;
        if (YearsOnly().IsMatch(candidate))
            return false;

        // "1.250.000" and "1 250 000" are amounts more often than numbers to call.
        return !ThousandsGrouping().IsMatch(candidate);
    }

    [GeneratedRegex(@"(?<![\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}(?![\w-])")]
    private static partial Regex Email();

    // Groups of digits joined by exactly one space, hyphen, dot, slash or no-break space, with an
    // optional "+" or "00" prefix and area codes in parentheses; or a long unseparated run.
    [GeneratedRegex(@"(?<![\w+\-./,:])(?:(?:\+\s?|00)?(?:\(\d{1,5}\)[ \-.\u00A0]?)?\d{1,5}(?:[ \-./\u00A0](?:\(\d{1,5}\)|\d{1,8})|\(\d{1,5}\)){1,7}|(?:\+|00)?\d{7,15})(?![\w]|[.,\-/]\d)")]
    private static partial Regex Phone();

    // ISO dates, d.m.y and d/m/y dates, times and year ranges such as 1999-2004 or 2023/24.
    [GeneratedRegex(@"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{1,2}:\d{2}(?::\d{2})?|(?:19|20)\d{2}\s?[-–/]\s?(?:(?:19|20)\d{2}|\d{2}))\b")]
    private static partial Regex DateLike();

    [GeneratedRegex(@"[$€£¥₹₽₴]\s?$|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CZK|HUF|Fr\.?|kr\.?)\s?$", RegexOptions.IgnoreCase)]
    private static partial Regex CurrencyBefore();

    [GeneratedRegex(@"^\s?(?:[$€£¥₹₽₴]|(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CZK|HUF|euros?|dollars?|pounds?|francs?|kr|zł|złotych|Kč)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex CurrencyAfter();

    [GeneratedRegex(@"\b(?:version|release|build|v|isbn|issn|iban|doi|invoice|order|ref)[\s.:#-]{0,3}$", RegexOptions.IgnoreCase)]
    private static partial Regex NotAPhoneBefore();

    [GeneratedRegex(@"\d+")]
    private static partial Regex DigitGroups();

    [GeneratedRegex(@"^\d{1,3}(?:\.\d{1,3}){3}$")]
    private static partial Regex IpAddress();

    [GeneratedRegex(@"^(?:(?:19|20)\d{2}[ \-./\u00A0]?)+$")]
    private static partial Regex YearsOnly();

    [GeneratedRegex(@"^[1-9]\d{0,2}(?:(?<s>[ .\u00A0'])\d{3})(?:\k<s>\d{3})*$")]
    private static partial Regex ThousandsGrouping();

    [GeneratedRegex(@"\b(?:tel|phone|call|ring|mobile|cell|fax|whatsapp|signal|sms|telefon|tél|teléfono|telefono|handy|móvil|cellulare|komórka)\b[^\d]{0,6}$", RegexOptions.IgnoreCase)]
    private static partial Regex PhoneCue();

    // Every quantifier over words is bounded: an unbounded one lets a text of capitalized words make
    // each starting position scan to the end, and checking 100 KB would take seconds.
    private static readonly Func<Regex>[] AddressPatterns =
    [
        EnglishStreet, GermanStreet, FrenchStreet, SpanishStreet, ItalianStreet, PolishStreet, UkPostcode,
        UsZipWithState, PostcodeWithCity,
    ];

    // "221B Baker Street", "12 Harbour Rd.", "5 Elm Ave": a number, one to four capitalized words, a
    // street word. Court, Place, Way and Drive are left out: "the 2 Supreme Court judges".
    [GeneratedRegex(@"\b\d{1,5}[A-Za-z]?,?\s{1,3}(?:\p{Lu}[\p{L}'’-]{0,40}\.?\s{1,3}){1,4}(?:Street|St\.|St|Road|Rd\.|Rd|Avenue|Ave\.|Ave|Lane|Ln\.|Boulevard|Blvd\.|Blvd)(?![\p{L}])")]
    private static partial Regex EnglishStreet();

    // "Hauptstraße 5", "Hauptstr. 5", "Birkenweg 3", "Rosengasse 7/2", "Berliner Straße 12a", "Potsdamer Platz 1".
    [GeneratedRegex(@"\b(?:\p{Lu}[\p{L}-]{0,40}(?:straße|strasse|str\.|gasse|weg|allee|platz)|\p{Lu}[\p{L}-]{0,40}\s(?:Straße|Strasse|Str\.|Gasse|Weg|Allee|Platz))\s?\d{1,4}[a-z]?(?:/\d{1,4})?(?![\p{L}\d])")]
    private static partial Regex GermanStreet();

    // "12 rue de la Paix", "5, avenue Victor Hugo", "3 bis boulevard Voltaire".
    [GeneratedRegex(@"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s{1,3}(?i:rue|avenue|av\.|boulevard|bd\.?|place|chemin|allée|impasse|quai|route)\s{1,3}(?:(?:de\s{1,3}la|de\s{1,3}l'|des|du|de|d')\s*)?\p{Lu}[\p{L}'’-]{0,40}")]
    private static partial Regex FrenchStreet();

    // "Calle Mayor 12", "Calle de Alcalá, 45", "Avenida de la Constitución nº 3", "C/ Luna 4".
    [GeneratedRegex(@"\b(?:Calle|C/|Avenida|Avda\.|Paseo|Plaza|Carrer)\s{1,3}(?:(?:de\s{1,3}la|de\s{1,3}los|de\s{1,3}las|del|de)\s{1,3})?\p{Lu}[\p{L}'-]{0,40}(?:\s{1,3}\p{Lu}[\p{L}'-]{0,40}){0,3},?\s{1,3}(?:n[º°o]\.?\s*)?\d{1,4}\b")]
    private static partial Regex SpanishStreet();

    // "Via Roma 10", "Via Giuseppe Garibaldi, 5", "Piazza del Duomo 1".
    [GeneratedRegex(@"\b(?:Via|Viale|Piazza|Corso|Vicolo)\s{1,3}(?:(?:del|della|dei|degli|di|delle)\s{1,3})?\p{Lu}[\p{L}'-]{0,40}(?:\s{1,3}\p{Lu}[\p{L}'-]{0,40}){0,3},?\s{1,3}\d{1,4}[a-zA-Z]?\b")]
    private static partial Regex ItalianStreet();

    // "ul. Marszałkowska 10/12", "ulica Długa 5", "al. Jerozolimskie 44" (but not "et al. Nature 2020").
    [GeneratedRegex(@"(?<!\bet\s)\b(?i:ul\.|ulica|al\.|aleja|pl\.|plac)\s*\p{Lu}[\p{L}-]{0,40}(?:\s{1,3}\p{Lu}[\p{L}-]{0,40}){0,3}\s{1,3}\d{1,4}[a-zA-Z]?(?:/\d{1,4})?\b")]
    private static partial Regex PolishStreet();

    // "SW1A 1AA", "EC1V 9HX": specific enough to stand alone.
    [GeneratedRegex(@"\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b")]
    private static partial Regex UkPostcode();

    // "Springfield, IL 62704".
    [GeneratedRegex(@"\b\p{Lu}[\p{L}.]{1,40}(?:\s\p{Lu}[\p{L}.]{1,40}){0,3},\s[A-Z]{2}\s\d{5}(?:-\d{4})?\b")]
    private static partial Regex UsZipWithState();

    // "10115 Berlin", "75001 Paris", "00-950 Warszawa" — only where an address block puts it (line start
    // or after a comma), since "25000 Stimmen" is also a number and a noun.
    [GeneratedRegex(@"(?:^|(?<=,\s?))[ \t]*(?:\d{5}|\d{2}-\d{3})\s+\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)?", RegexOptions.Multiline)]
    private static partial Regex PostcodeWithCity();
}
