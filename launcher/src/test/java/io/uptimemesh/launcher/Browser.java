package io.uptimemesh.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium (Debian's {@code chromium} and {@code chromedriver}, DESIGN.md section
 * 7) for the console's tests: one per test class, with screenshots saved under {@code
 * target/ui-screenshots/} for a person to look at. Public for the mesh end-to-end test, which looks
 * at the Network page while a real path is cut.
 */
public final class Browser implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/lib/chromium/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");

  public final ChromeDriver driver;

  public Browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BINARY.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1440,900",
        "--lang=en-US");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
  }

  public static boolean available() {
    return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
  }

  public void open(String url) {
    driver.get(url);
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Waits up to {@code timeout} for the condition to be true (or non-null). */
  public <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    // Pages re-render on live updates: an element found a moment ago may be gone; look again.
    return new WebDriverWait(driver, timeout, Duration.ofMillis(100))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(condition);
  }

  /** The element once it is displayed. */
  public WebElement visible(String css) {
    return await(Duration.ofSeconds(10), d -> displayed(d, css).orElse(null));
  }

  /**
   * The text of the element once it is displayed, read inside the wait: live pages replace their
   * elements, so a reference found a moment earlier may already be stale.
   */
  public String text(String css) {
    return await(
        Duration.ofSeconds(10), d -> displayed(d, css).map(WebElement::getText).orElse(null));
  }

  private static java.util.Optional<WebElement> displayed(WebDriver d, String css) {
    return d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst();
  }

  public void type(String css, String text) {
    WebElement e = visible(css);
    e.clear();
    e.sendKeys(text);
  }

  /** Saves the page as {@code target/ui-screenshots/<name>.png}; yields the file. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path to = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
