// The site's XML files, checked with the JDK's own parser and XML Schema validator (no
// network: DOCTYPEs are refused, so nothing external is ever fetched).
//
//   java XmlCheck.java SCHEMA_DIR SITE_DIR BASE_URL
//
// - every *.xml under SITE_DIR must be well-formed;
// - sitemap.xml must validate against the sitemaps.org 0.9 schema (SCHEMA_DIR/sitemap.xsd,
//   with SCHEMA_DIR/xhtml-link.xsd declaring the hreflang links it carries), and every URL it
//   names must be a page of the build: BASE_URL + path -> SITE_DIR/path/index.html;
// - each atom.xml must follow the rules of RFC 4287 that a schema cannot say alone: one
//   id, title and updated per feed and entry, RFC 3339 dates, an author for every entry
//   (its own or the feed's), an alternate link or content for every entry, links that
//   point at built pages.
//
// Prints one line per problem, `error: FILE:LINE:COL: message`, and a summary; exits 1 if
// there was any.

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.Source;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXParseException;

public class XmlCheck {
    static final String SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9";
    static final String XHTML_NS = "http://www.w3.org/1999/xhtml";
    static final String ATOM_NS = "http://www.w3.org/2005/Atom";

    static final List<String> errors = new ArrayList<>();
    static Path site;
    static String base;

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java XmlCheck.java SCHEMA_DIR SITE_DIR BASE_URL");
            System.exit(2);
        }
        Path schemas = Path.of(args[0]);
        site = Path.of(args[1]).toAbsolutePath();
        base = args[2].endsWith("/") ? args[2] : args[2] + "/";

        List<Path> files;
        try (Stream<Path> s = Files.walk(site)) {
            files = s.filter(p -> p.toString().endsWith(".xml")).sorted().toList();
        }
        int checked = 0;
        boolean sawSitemap = false;
        for (Path f : files) {
            Document doc = parse(f);
            checked++;
            if (doc == null) continue;
            String rel = site.relativize(f).toString().replace(File.separatorChar, '/');
            if (rel.equals("sitemap.xml")) {
                sawSitemap = true;
                validate(f, schemas);
                sitemapUrls(f, doc);
            } else if (rel.endsWith("atom.xml")) {
                atom(f, doc);
            }
        }
        if (!sawSitemap) errors.add("error: " + site + "/sitemap.xml: missing");
        if (checked == 0) errors.add("error: " + site + ": no XML files found");
        for (String e : errors) System.out.println(e);
        System.out.println("xml: " + checked + " files checked, " + errors.size() + " errors");
        System.exit(errors.isEmpty() ? 0 : 1);
    }

    static DocumentBuilderFactory factory() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f;
    }

    static ErrorHandler collect(Path f) {
        return new ErrorHandler() {
            public void warning(SAXParseException e) { }
            public void error(SAXParseException e) { report(f, e); }
            public void fatalError(SAXParseException e) { report(f, e); }
        };
    }

    static void report(Path f, SAXParseException e) {
        errors.add("error: " + f + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage());
    }

    static Document parse(Path f) {
        try {
            DocumentBuilder b = factory().newDocumentBuilder();
            b.setErrorHandler(collect(f));
            return b.parse(f.toFile());
        } catch (SAXParseException e) {
            return null; // reported by the handler
        } catch (Exception e) {
            errors.add("error: " + f + ": " + e.getMessage());
            return null;
        }
    }

    static void validate(Path f, Path schemas) {
        try {
            SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
            Schema schema = sf.newSchema(new Source[] {
                new StreamSource(schemas.resolve("xhtml-link.xsd").toFile()),
                new StreamSource(schemas.resolve("sitemap.xsd").toFile()),
            });
            Validator v = schema.newValidator();
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            v.setErrorHandler(collect(f));
            v.validate(new StreamSource(f.toFile()));
        } catch (SAXParseException e) {
            // reported by the handler
        } catch (Exception e) {
            errors.add("error: " + f + ": schema validation failed: " + e);
        }
    }

    /** A URL of the site -> the file a static host would serve for it, or null. */
    static Path page(String url) {
        if (!url.startsWith(base)) return null;
        String path = URI.create(url).getPath().substring(URI.create(base).getPath().length());
        Path p = site.resolve(path);
        if (path.isEmpty() || path.endsWith("/")) p = p.resolve("index.html");
        return p.normalize().startsWith(site) ? p : null;
    }

    static void mustBePage(Path f, String what, String url) {
        Path p;
        try {
            p = page(url);
        } catch (IllegalArgumentException e) {
            errors.add("error: " + f + ": " + what + " is not a valid URL: " + url);
            return;
        }
        if (p == null || !Files.isRegularFile(p)) {
            errors.add("error: " + f + ": " + what + " names no built page: " + url);
        }
    }

    static List<Element> children(Element parent, String ns, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && name.equals(e.getLocalName())) out.add(e);
        }
        return out;
    }

    static void sitemapUrls(Path f, Document doc) {
        List<String> seen = new ArrayList<>();
        for (Element url : children(doc.getDocumentElement(), SITEMAP_NS, "url")) {
            for (Element loc : children(url, SITEMAP_NS, "loc")) {
                String u = loc.getTextContent().trim();
                if (seen.contains(u)) errors.add("error: " + f + ": <loc> listed twice: " + u);
                seen.add(u);
                mustBePage(f, "<loc>", u);
            }
            boolean xDefault = false;
            for (Element link : children(url, XHTML_NS, "link")) {
                mustBePage(f, "<xhtml:link hreflang=\"" + link.getAttribute("hreflang") + "\">", link.getAttribute("href"));
                xDefault |= link.getAttribute("hreflang").equals("x-default");
            }
            if (!children(url, XHTML_NS, "link").isEmpty() && !xDefault) {
                errors.add("error: " + f + ": alternates without x-default for " + seen.get(seen.size() - 1));
            }
        }
        if (seen.size() > 50000) errors.add("error: " + f + ": more than 50,000 URLs");
    }

    static void date(Path f, String where, Element e) {
        try {
            OffsetDateTime.parse(e.getTextContent().trim());
        } catch (DateTimeParseException ex) {
            errors.add("error: " + f + ": " + where + " <" + e.getLocalName() + "> is not an RFC 3339 date-time: " + e.getTextContent());
        }
    }

    static void exactlyOne(Path f, String where, Element parent, String name) {
        List<Element> es = children(parent, ATOM_NS, name);
        if (es.size() != 1) errors.add("error: " + f + ": " + where + " has " + es.size() + " <" + name + "> elements, RFC 4287 wants exactly one");
        for (Element e : es) {
            if (e.getTextContent().isBlank()) errors.add("error: " + f + ": " + where + " has an empty <" + name + ">");
            if (name.equals("updated") || name.equals("published")) date(f, where, e);
        }
    }

    static void atom(Path f, Document doc) {
        Element feed = doc.getDocumentElement();
        if (!ATOM_NS.equals(feed.getNamespaceURI()) || !"feed".equals(feed.getLocalName())) {
            errors.add("error: " + f + ": the root element is not an Atom <feed>");
            return;
        }
        exactlyOne(f, "the feed", feed, "id");
        exactlyOne(f, "the feed", feed, "title");
        exactlyOne(f, "the feed", feed, "updated");
        boolean self = false;
        for (Element link : children(feed, ATOM_NS, "link")) {
            if (link.getAttribute("href").isEmpty()) errors.add("error: " + f + ": a feed <link> without href");
            if (link.getAttribute("rel").equals("self")) self = true;
            if (link.getAttribute("rel").equals("alternate")) mustBePage(f, "the feed's alternate link", link.getAttribute("href"));
        }
        if (!self) errors.add("error: " + f + ": the feed has no <link rel=\"self\">");
        boolean feedAuthor = !children(feed, ATOM_NS, "author").isEmpty();
        List<Element> entries = children(feed, ATOM_NS, "entry");
        if (entries.isEmpty()) errors.add("error: " + f + ": the feed has no entries");
        for (Element entry : entries) {
            List<Element> ids = children(entry, ATOM_NS, "id");
            String where = "entry " + (ids.isEmpty() ? "?" : ids.get(0).getTextContent().trim());
            exactlyOne(f, where, entry, "id");
            exactlyOne(f, where, entry, "title");
            exactlyOne(f, where, entry, "updated");
            for (Element p : children(entry, ATOM_NS, "published")) date(f, where, p);
            if (!feedAuthor && children(entry, ATOM_NS, "author").isEmpty()) {
                errors.add("error: " + f + ": " + where + " has no author, and neither has the feed");
            }
            boolean alternate = false;
            for (Element link : children(entry, ATOM_NS, "link")) {
                String rel = link.getAttribute("rel");
                if (rel.isEmpty() || rel.equals("alternate")) {
                    alternate = true;
                    mustBePage(f, where + "'s alternate link", link.getAttribute("href"));
                }
            }
            if (!alternate && children(entry, ATOM_NS, "content").isEmpty()) {
                errors.add("error: " + f + ": " + where + " has neither <content> nor an alternate <link>");
            }
        }
    }
}
