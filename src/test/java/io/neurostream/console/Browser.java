package io.neurostream.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium driven headless through Debian's chromedriver (same source package, so the
 * versions match; nothing is downloaded: Selenium is pointed at both binaries). Saves a screenshot
 * and the page source under {@code target/selenium/} when a test fails.
 */
final class Browser implements AutoCloseable, TestWatcher {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target", "selenium");

  private WebDriver driver;

  /** Whether Debian's chromium and chromium-driver are installed (.ci/run installs them). */
  static boolean installed() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  WebDriver driver() {
    if (driver == null) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
          "--disable-gpu", "--window-size=1400,1000", "--no-first-run",
          "--disable-extensions", "--disable-background-networking");
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(CHROMEDRIVER.toFile())
          .usingAnyFreePort()
          .build();
      driver = new ChromeDriver(service, options);
      driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }
    return driver;
  }

  /** Waits up to {@code timeout} for {@code condition}, retrying through re-rendered elements. */
  <T> T await(Duration timeout, Function<WebDriver, T> condition) {
    // the pages re-render their tables on every event: an element read a moment ago may be gone
    return new WebDriverWait(driver(), timeout, Duration.ofMillis(200))
        .ignoring(StaleElementReferenceException.class)
        .until(condition::apply);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (driver == null) {
      return;
    }
    String name = context.getRequiredTestClass().getSimpleName() + "-"
        + context.getRequiredTestMethod().getName();
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
      Path png = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), png, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(SCREENSHOTS.resolve(name + ".html"), driver.getPageSource());
      System.err.println("screenshot of the failed test: " + png.toAbsolutePath());
    } catch (IOException | RuntimeException e) {
      System.err.println("no screenshot of " + name + ": " + e);
    }
  }

  @Override
  public void close() {
    if (driver != null) {
      driver.quit();
      driver = null;
    }
  }
}
