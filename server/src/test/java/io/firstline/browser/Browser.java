package io.firstline.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} with {@code chromium-driver}) pointed at a
 * test server: sign in, wait for what a person would see, take screenshots, read the console.
 */
public final class Browser implements AutoCloseable {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where each run's screenshots go. */
    public static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final String base;

    private Browser(ChromeDriver driver, String base) {
        this.driver = driver;
        this.base = base;
    }

    /** Opens Chromium on a laptop-sized window (1366×768) for the server on {@code port}. */
    public static Browser open(int port) {
        return open(port, new Dimension(1366, 768));
    }

    public static Browser open(int port, Dimension size) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("the browser tests need Debian's chromium and chromium-driver "
                    + "(apt-get install chromium chromium-driver); .ci/run installs them");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=en-GB",
                "--window-size=" + size.width + "," + size.height, "--disable-extensions", "--no-first-run");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(size);
        return new Browser(driver, "http://127.0.0.1:" + port);
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Opens a page of the server, e.g. {@code /desk}. */
    public void go(String path) {
        driver.get(base + path);
    }

    /** The path of the page shown now. */
    public String path() {
        return java.net.URI.create(driver.getCurrentUrl()).getPath();
    }

    /** Signs in through the form (Enter submits) and waits until the page it leads to has loaded. */
    public void signIn(String username, String password, String landsOn) {
        go("/");
        WebElement user = waitFor(By.id("username"));
        user.clear();
        user.sendKeys(username);
        WebElement pass = driver.findElement(By.id("password"));
        pass.clear();
        pass.sendKeys(password + "\n");
        waitUntil(d -> path().equals(landsOn));
    }

    public WebElement waitFor(By by) {
        return new WebDriverWait(driver, Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until the element's text contains {@code text}; returns the element. */
    public WebElement waitForText(By by, String text) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    /**
     * The element's text, read afresh: pages that redraw on every update (the board) replace elements between a
     * lookup and a read, so a stale element is looked up again (a few times) instead of failing the test.
     */
    public String text(By by) {
        for (int attempt = 1; ; attempt++) {
            try {
                return driver.findElement(by).getText();
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** Waits until the element's text contains {@code text}, then returns its whole text, read in that step. */
    public String waitForTextOf(By by, String text) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    String now = d.findElement(by).getText();
                    return now.contains(text) ? now : null;
                });
    }

    public void waitUntil(java.util.function.Function<ChromeDriver, Boolean> condition) {
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> condition.apply(driver));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Saves a PNG of the window under target/screenshots/ and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File png = driver.getScreenshotAs(OutputType.FILE);
            Path to = SCREENSHOTS.resolve(name + ".png");
            Files.copy(png.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
            return to;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What the offline accessibility checks find on the page as shown now (labels, names, ids, headings,
     * landmarks, colour contrast; see {@code accessibility-checks.js}); empty when nothing.
     */
    @SuppressWarnings("unchecked")
    public List<String> accessibilityProblems() {
        try (java.io.InputStream in = Browser.class.getResourceAsStream("accessibility-checks.js")) {
            if (in == null) {
                throw new IllegalStateException("accessibility-checks.js is missing from the test class path");
            }
            return (List<String>) script(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The console's errors since the last call (each read empties the log). */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).map(LogEntry::getMessage).toList();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
